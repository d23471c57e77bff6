"""Words for the audit log's codes, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "account_invited": _l("Invited to log in"),
    "invitation_accepted": _l("Accepted the invitation"),
    "password_reset_requested": _l("Asked for a new password"),
    "password_reset": _l("Chose a new password"),
    "password_changed": _l("Changed password"),
    "roles_changed": _l("Roles changed"),
    "account_deactivated": _l("Account deactivated"),
    "account_reactivated": _l("Account reactivated"),
    "admin_created": _l("Administrator created"),
    "profile_changed": _l("Profile changed"),
    "person_created": _l("Person added"),
    "person_changed": _l("Person changed"),
    "organisation_created": _l("Organisation added"),
    "organisation_changed": _l("Organisation changed"),
    "nomination_created": _l("Nominated"),
    "nomination_ended": _l("Nomination ended"),
    "proposal_made": _l("Nomination proposed"),
    "proposal_approved": _l("Proposal approved"),
    "proposal_returned": _l("Proposal returned"),
    "meeting_planned": _l("Meeting planned"),
    "meeting_created": _l("Meeting created"),
    "meeting_changed": _l("Meeting changed"),
    "meeting_moved": _l("Meeting moved"),
    "meeting_confirmed": _l("Meeting confirmed"),
    "meeting_cancelled": _l("Meeting cancelled"),
    "meeting_held": _l("Meeting held"),
    "meeting_answered": _l("Answered an invitation"),
    "agenda_item_added": _l("Agenda item added"),
    "agenda_item_removed": _l("Agenda item removed"),
    "guest_invited": _l("Guest invited"),
    "guest_removed": _l("Guest removed"),
    "attendance_recorded": _l("Attendance recorded"),
    "minutes_saved": _l("Minutes saved"),
    "minutes_approved": _l("Minutes approved"),
    "minutes_published": _l("Minutes published"),
    "action_item_added": _l("Action item added"),
    "action_item_done": _l("Action item done"),
    "blackout_added": _l("Blackout period added"),
    "blackout_removed": _l("Blackout period removed"),
    "planner_settings_changed": _l("Planner settings changed"),
    "document_created": _l("Document added"),
    "document_version_added": _l("New version of a document"),
    "document_changed": _l("Document changed"),
    "document_withdrawn": _l("Document withdrawn"),
    "document_reinstated": _l("Document reinstated"),
    "material_distributed": _l("Material distributed"),
    "calendar_address_made": _l("Calendar address made"),
    "calendar_address_revoked": _l("Calendar address revoked"),
}

OBJECTS = {
    "Account": _l("Account"),
    "Person": _l("Person"),
    "Organisation": _l("Organisation"),
    "Nomination": _l("Nomination"),
    "NominationProposal": _l("Proposal"),
    "Meeting": _l("Meeting"),
    "ActionItem": _l("Action item"),
    "Minutes": _l("Minutes"),
    "BlackoutPeriod": _l("Blackout period"),
    "PlannerSettings": _l("Planner settings"),
    "Document": _l("Document"),
    "Distribution": _l("Distribution"),
}


def action(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_type(code: str) -> str:
    return str(OBJECTS.get(code, code))
