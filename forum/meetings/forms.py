"""Forms for meetings: the meeting itself, agenda items, guests, answers, cancellation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, SubmitField, TextAreaField, TimeField
from wtforms.validators import Email, Length, Optional, URL

from forum.forms import Form, IdSelectField, QueryForm, SwedishDateField, long_text, required, text


class MeetingForm(Form):
    body_id = IdSelectField(_l("Body"), blank=_l("— choose a body —"), optional=False)
    theme_id = IdSelectField(_l("Theme"), blank=_l("— no theme —"))
    title = text(_l("Title"), max_length=300, required_field=True)
    day = SwedishDateField(_l("Date"), [required(_l("Give the date."))])
    start_time = TimeField(_l("Starts"), [required(_l("Give the time it starts."))],
                           description=_l("Swedish time, e.g. 10:00."))
    end_time = TimeField(_l("Ends"), [required(_l("Give the time it ends."))])
    venue = text(_l("Venue"), max_length=300)
    address = text(_l("Address"), max_length=300)
    host_region_id = IdSelectField(_l("Host region"), blank=_l("— none —"))
    online_url = text(_l("Online link"), max_length=500,
                      description=_l("For those who take part at a distance."))
    description = long_text(_l("Description"))
    material_deadline = SwedishDateField(
        _l("Material due by"), [Optional()],
        description=_l("Leave empty for the planner settings' number of days before the meeting."))
    prepares_id = IdSelectField(_l("Prepares the meeting"), blank=_l("— none —"),
                                description=_l("An officials' meeting prepares the "
                                               "politicians' meeting on the same theme."))
    submit = SubmitField(_l("Save"))

    def validate_online_url(self, field):
        if field.data:
            URL(message=_l("Write a full address such as https://meet.example.se/forum."))(
                self, field)


class AgendaItemForm(Form):
    title = text(_l("Agenda item"), max_length=300, required_field=True)
    presenter = text(_l("Presenter"), max_length=200)
    starts_at = TimeField(_l("Time"), [Optional()])
    submit = SubmitField(_l("Add to the agenda"))


class GuestForm(Form):
    person_id = IdSelectField(_l("Guest"), blank=_l("— choose a person —"), optional=False)
    submit = SubmitField(_l("Invite"))


class CancelForm(Form):
    reason = TextAreaField(
        _l("Why it is cancelled"),
        [required(_l("Say why the meeting is cancelled.")),
         Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
        description=_l("Every participant is told, with this reason."),
    )
    submit = SubmitField(_l("Cancel the meeting"))


class AnswerForm(Form):
    answer = RadioField(
        _l("Your answer"),
        choices=[("attending", _l("I will attend")), ("declined", _l("I cannot attend")),
                 ("substitute", _l("I will send a substitute"))],
        validators=[required(_l("Choose an answer."))],
    )
    substitute_name = text(_l("The substitute's name"), max_length=200)
    substitute_email = EmailField(
        _l("The substitute's e-mail"),
        [Optional(), Length(max=254, message=_l("At most %(max)d characters.", max=254)),
         Email(message=_l("Write an e-mail address such as name@region.se."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    submit = SubmitField(_l("Send answer"))


class MeetingFilterForm(QueryForm):
    body = IdSelectField(_l("Body"), blank=_l("— all —"))
    theme = IdSelectField(_l("Theme"), blank=_l("— all —"))
    year = SelectField(_l("Year"), choices=[], validate_choice=False)
