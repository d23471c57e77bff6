"""The secretariat's dashboard: what needs attention now."""
