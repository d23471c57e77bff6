"""Forms of the roster: people, organisations, nominations, export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, SubmitField
from wtforms.validators import URL, Email, Length, Optional, ValidationError

from forum.forms import Form, IdSelectField, QueryForm, SwedishDateField, long_text, required, text
from forum.roster.models import OrganisationKind

ORGANISATION_KINDS = [
    (OrganisationKind.REGION.value, _l("Region")),
    (OrganisationKind.AGENCY.value, _l("State agency")),
    (OrganisationKind.MINISTRY.value, _l("Ministry")),
    (OrganisationKind.ASSOCIATION.value, _l("Association")),
    (OrganisationKind.OTHER.value, _l("Other")),
]


class PersonForm(Form):
    given_name = text(_l("Given name"), max_length=100, required_field=True)
    family_name = text(_l("Family name"), max_length=100, required_field=True)
    title = text(
        _l("Title or role"), max_length=200, description=_l("For example regionråd.")
    )
    organisation_id = IdSelectField(_l("Organisation"), blank=_l("— none —"))
    email = EmailField(
        _l("E-mail"),
        [
            Optional(),
            Length(max=254, message=_l("At most %(max)d characters.", max=254)),
            Email(message=_l("Write an e-mail address such as name@region.se.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    phone = text(_l("Phone"), max_length=40)
    note = long_text(_l("Note"))
    submit = SubmitField(_l("Save"))


class OrganisationForm(Form):
    name = text(_l("Name"), max_length=200, required_field=True)
    short_name = text(_l("Short name"), max_length=40)
    kind = SelectField(
        _l("Kind"),
        choices=ORGANISATION_KINDS,
        validators=[required(_l("Choose a kind."))],
    )
    region_id = IdSelectField(_l("Region"), blank=_l("— none —"))
    website = text(_l("Website"), max_length=300)
    note = long_text(_l("Note"))
    submit = SubmitField(_l("Save"))

    def validate_website(self, field):
        if field.data:
            URL(message=_l("Write a full address such as https://www.region.se."))(self, field)

    def validate_region_id(self, field):
        if self.kind.data == OrganisationKind.REGION.value and field.data is None:
            raise ValidationError(_l("Choose the region this organisation belongs to."))


class NominationForm(Form):
    seat_id = IdSelectField(_l("Seat"), blank=_l("— choose a seat —"), optional=False)
    person_id = IdSelectField(_l("Person"), blank=_l("— choose a person —"), optional=False)
    party = text(
        _l("Party"), max_length=60, description=_l("Required for politicians, e.g. S or M.")
    )
    start_date = SwedishDateField(_l("From"), [required(_l("Give the first day."))])
    end_date = SwedishDateField(
        _l("Until (optional)"), [Optional()], description=_l("The last day, if known.")
    )
    nominated_by_id = IdSelectField(_l("Nominated by"), blank=_l("— the region —"))
    note = long_text(_l("Note"), max_length=2000)
    submit = SubmitField(_l("Nominate"))


class EndNominationForm(Form):
    end_date = SwedishDateField(_l("Last day"), [required(_l("Give the last day."))])
    submit = SubmitField(_l("End nomination"))


class ReplaceForm(Form):
    person_id = IdSelectField(_l("Successor"), blank=_l("— choose a person —"), optional=False)
    party = text(
        _l("Party"), max_length=60, description=_l("Required for politicians, e.g. S or M.")
    )
    start_date = SwedishDateField(
        _l("Successor from"),
        [required(_l("Give the successor's first day."))],
        description=_l("The current member's last day is the day before."),
    )
    nominated_by_id = IdSelectField(_l("Nominated by"), blank=_l("— the region —"))
    note = long_text(_l("Note"), max_length=2000)
    submit = SubmitField(_l("Replace member"))


class ExportForm(QueryForm):
    on = SwedishDateField(_l("Roster on"), [required(_l("Give a date."))])
    format = SelectField(
        _l("Format"),
        choices=[("xlsx", _l("Excel (XLSX)")), ("csv", _l("CSV (semicolon-separated)"))],
        default="xlsx",
    )
    submit = SubmitField(_l("Download"))


class PeopleSearchForm(QueryForm):
    q = text(_l("Search people"), max_length=100)


class DateForm(QueryForm):
    on = SwedishDateField(_l("Show the roster on"), [Optional()])
