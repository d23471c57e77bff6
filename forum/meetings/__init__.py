"""Meetings: the year planner, the meetings themselves, invitations, attendance, minutes."""
