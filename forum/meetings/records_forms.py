"""Forms for a meeting's records: attendance, minutes, action items; the overview's year."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional, ValidationError

from forum.forms import Form, QueryForm, SwedishDateField, required, text
from forum.meetings.models import AttendanceRole, Presence
from forum.meetings.records import (
    MINUTES_MAX,
    AttendanceEntry,
    AttendanceLine,
    presence_field,
    role_field,
    substitute_field,
)

PRESENCE_CHOICES = [
    (Presence.PRESENT.value, _l("Present")),
    (Presence.EXCUSED.value, _l("Excused")),
    (Presence.ABSENT.value, _l("Absent")),
]
ROLE_CHOICES = [
    (AttendanceRole.MEMBER.value, _l("Member")),
    (AttendanceRole.SUBSTITUTE.value, _l("Substitute")),
]


class AttendanceForm(Form):
    """Fields per participant are added by attendance_form: presence_<person id>, and for
    members role_<id> and substitute_<id>."""

    submit = SubmitField(_l("Save attendance"))


def attendance_form(lines: list[AttendanceLine], *, prefill: bool) -> AttendanceForm:
    class BoundAttendanceForm(AttendanceForm):
        pass

    for line in lines:
        pid = line.person.id
        name = line.person.name
        setattr(
            BoundAttendanceForm,
            presence_field(pid),
            SelectField(
                _l("Presence: %(name)s", name=name),
                [
                    required(_l("Choose present, excused or absent.")),
                    AnyOf([v for v, _ in PRESENCE_CHOICES],
                          message=_l("Choose present, excused or absent.")),
                ],
                choices=PRESENCE_CHOICES,
                validate_choice=False,
            ),
        )
        if line.kind == "member":
            setattr(
                BoundAttendanceForm,
                role_field(pid),
                SelectField(
                    _l("Attended as: %(name)s", name=name),
                    [
                        required(_l("Choose member or substitute.")),
                        AnyOf([v for v, _ in ROLE_CHOICES],
                              message=_l("Choose member or substitute.")),
                    ],
                    choices=ROLE_CHOICES,
                    validate_choice=False,
                ),
            )
            setattr(
                BoundAttendanceForm,
                substitute_field(pid),
                text(_l("Substitute for %(name)s", name=name), max_length=200),
            )
    form = BoundAttendanceForm(formdata=None) if prefill else BoundAttendanceForm()
    if prefill:
        for line in lines:
            pid = line.person.id
            form[presence_field(pid)].data = line.presence.value
            if line.kind == "member":
                form[role_field(pid)].data = line.role.value
                form[substitute_field(pid)].data = line.substitute_name
    return form


def attendance_entries(form: AttendanceForm, lines: list[AttendanceLine]) -> list[AttendanceEntry]:
    entries = []
    for line in lines:
        pid = line.person.id
        if line.kind == "member":
            role = AttendanceRole(form[role_field(pid)].data)
            name = form[substitute_field(pid)].data or ""
        else:
            role, name = AttendanceRole.GUEST, ""
        entries.append(AttendanceEntry(pid, Presence(form[presence_field(pid)].data), role, name))
    return entries


class _Prefixed(Form):
    """A form shown on the meeting page beside others: its own prefix keeps ids unique."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class MinutesForm(_Prefixed):
    PREFIX = "minutes"
    text = TextAreaField(
        _l("Minutes"),
        [
            Optional(),
            Length(max=MINUTES_MAX, message=_l("At most %(max)d characters.", max=MINUTES_MAX)),
        ],
        description=_l("A draft until approved. Approved minutes can no longer be changed."),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    submit = SubmitField(_l("Save the draft"))


class ApproveMinutesForm(_Prefixed):
    PREFIX = "approve"
    submit = SubmitField(_l("Approve the minutes"))


class PublishMinutesForm(_Prefixed):
    PREFIX = "publish"
    submit = SubmitField(_l("Publish the minutes"))


class ActionItemForm(_Prefixed):
    PREFIX = "action"
    what = text(_l("What is to be done"), max_length=1000, required_field=True)
    who = text(_l("Who"), max_length=200, description=_l("A person, a region or an agency."))
    due_date = SwedishDateField(_l("By when"), [Optional()])
    submit = SubmitField(_l("Add the action item"))


class DoneForm(Form):
    # The meeting page the button was pressed on, to return to it.
    back_to = HiddenField()
    submit = SubmitField(_l("Mark as done"))

    def validate_back_to(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError(_l("Not a meeting."))


class OverviewForm(QueryForm):
    year = text(_l("Year"), max_length=10)

    def validate_year(self, field):
        if field.data and not (field.data.isdigit() and 2000 <= int(field.data) <= 2100):
            raise ValidationError(_l("Give a year between 2000 and 2100, e.g. 2026."))
