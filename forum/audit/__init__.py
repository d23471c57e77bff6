"""The audit log: who did what and when, with before and after values; never rewritten."""
