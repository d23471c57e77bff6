"""Forms for working groups and networks and their members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import Form, IdSelectField, SwedishDateField, long_text, required, text
from forum.roster.models import BodyKind

GROUP_KINDS = [
    (BodyKind.WORKING_GROUP.value, _l("Working group")),
    (BodyKind.NETWORK.value, _l("Network")),
]
KIND_LABELS = {
    BodyKind.FORUM: _l("Forum"),
    BodyKind.WORKING_GROUP: _l("Working group"),
    BodyKind.NETWORK: _l("Network"),
}


class ThemesField(SelectMultipleField):
    """Checkboxes for themes, grouped by nothing: a short list."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        values = {v for v, _ in self.choices or []}
        for value in self.data or []:
            if value not in values:
                from wtforms.validators import ValidationError

                raise ValidationError(_l("Choose among the themes listed."))


class BodyForm(Form):
    kind = SelectField(_l("Kind"), choices=GROUP_KINDS, validate_choice=False,
                       validators=[required(_l("Choose working group or network."))])
    name_sv = text(_l("Name in Swedish"), max_length=200, required_field=True)
    name_en = text(_l("Name in English"), max_length=200,
                   description=_l("If left empty, the Swedish name is used."))
    description_sv = long_text(_l("What the group does (Swedish)"))
    description_en = long_text(_l("What the group does (English)"))
    email = EmailField(
        _l("Contact e-mail"),
        [Optional(), Length(max=254, message=_l("At most %(max)d characters.", max=254)),
         Email(message=_l("Write an e-mail address such as name@region.se."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    established_on = SwedishDateField(_l("Set up on (optional)"), [Optional()])
    closed_on = SwedishDateField(_l("Closed on (optional)"), [Optional()],
                                 description=_l("A closed group keeps its page and history."))
    theme_ids = ThemesField(_l("Themes"), coerce=int)
    submit = SubmitField(_l("Save"))

    def validate_kind(self, field):
        if field.data not in {value for value, _ in field.choices}:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Choose working group or network."))


class MemberForm(Form):
    person_id = IdSelectField(_l("Person"), blank=_l("— choose a person —"), optional=False)
    seat_id = IdSelectField(_l("Role"), blank=_l("— choose a role —"), optional=False)
    region_id = IdSelectField(_l("Region"), blank=_l("— no region —"),
                              description=_l("The region the member represents, if any."))
    party = text(_l("Party"), max_length=60,
                 description=_l("Required for politicians' seats, e.g. S or M."))
    start_date = SwedishDateField(_l("From"), [required(_l("Give the first day."))])
    end_date = SwedishDateField(_l("Until (optional)"), [Optional()])
    note = long_text(_l("Note"), max_length=2000)
    submit = SubmitField(_l("Add member"))
