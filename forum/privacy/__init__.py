"""A person's own data: what Forum holds about them (export) and erasing private contact details."""
