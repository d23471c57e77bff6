"""Calendars: a meeting as a file, public feeds per body, personal feeds behind a token,
and the iCalendar parts of invitation e-mails."""
