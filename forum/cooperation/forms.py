"""Forms of the register: an entry with its rows of parties, the list's filters (also for
the export), the secretariat's decision, and the areas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import Email, Length, Optional

from forum.cooperation.models import (
    CooperationKind,
    CooperationVisibility,
    FunderRole,
    PartyKind,
)
from forum.forms import Form, IdSelectField, QueryForm, SwedishDateField, long_text, required, text
from forum.material.forms import MultiCheckboxField

KIND_LABELS = {
    CooperationKind.PARTNERSHIP: _l("Partnership or twin-region agreement"),
    CooperationKind.NETWORK: _l("Network membership"),
    CooperationKind.EU_PROJECT: _l("EU project"),
    CooperationKind.VISIT: _l("Delegation or visit"),
    CooperationKind.OTHER: _lp("cooperation kind", "Other"),
}
PARTY_KIND_LABELS = {
    PartyKind.SWEDISH_REGION: _l("Swedish region"),
    PartyKind.FOREIGN_REGION: _l("Foreign region"),
    PartyKind.FOREIGN_CITY: _l("Foreign city"),
    PartyKind.AGENCY: _l("Agency"),
    PartyKind.NETWORK: _l("Network"),
    PartyKind.ORGANISATION: _l("Organisation or company"),
}
VISIBILITY_LABELS = {
    CooperationVisibility.PUBLIC: _l("Public: everyone, also without logging in"),
    CooperationVisibility.INTERNAL: _l("Internal: the secretariat and the proposing region"),
}
VISIBILITY_SHORT = {
    CooperationVisibility.PUBLIC: _l("Public"),
    CooperationVisibility.INTERNAL: _l("Internal"),
}
FUNDER_LABELS = {
    FunderRole.FUNDER: _l("Funders"),
    FunderRole.CO_FINANCER: _l("Co-financers"),
}
# Empty rows for parties: on a new form, and after the parties of an entry being changed.
PARTY_ROWS = 5
EMPTY_ROWS = 3


class PartyForm(SubForm):
    """One row of parties; a row left empty is no party."""

    kind = SelectField(_l("Kind of party"), validators=[Optional()], default="")
    party_name = StringField(_l("Name"), [Optional(), Length(max=200, message=_l(
        "At most %(max)d characters.", max=200))], filters=[lambda v: v.strip() if v else v],
        description=_l("E.g. Suzhou, Jiangsu Province or CPMR."))
    region_id = IdSelectField(_l("Swedish region"), blank=_l("— not a Swedish region —"))
    country = SelectField(_l("Country"), validators=[Optional()], default="",
                          description=_l("Required for a foreign region or city."))


class CooperationForm(Form):
    title = text(_l("Title"), max_length=300, required_field=True)
    description = long_text(_l("Description"), max_length=10000)
    kind = SelectField(_l("Kind of cooperation"),
                       choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    region_ids = MultiCheckboxField(_l("Swedish regions involved"), coerce=int)
    parties = FieldList(FormField(PartyForm), min_entries=PARTY_ROWS)
    theme_ids = MultiCheckboxField(_l("The strategy's themes"), coerce=int)
    area_ids = MultiCheckboxField(_l("Areas"), coerce=int)
    start_date = SwedishDateField(_l("Start"), [required(_l("Give the day the cooperation starts."))])
    end_date = SwedishDateField(_l("End"), [Optional()],
                                description=_l("Leave empty while it goes on."))
    agreement_date = SwedishDateField(_l("Agreement signed"), [Optional()])
    funders = long_text(_l("Funders"), max_length=3000)
    co_financers = long_text(_l("Co-financers"), max_length=3000)
    contact_name = text(_l("Contact person"), max_length=200)
    contact_email = EmailField(
        _l("Contact's e-mail"),
        [Optional(), Length(max=254, message=_l("At most %(max)d characters.", max=254)),
         Email(message=_l("Write an e-mail address such as name@region.se."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    contact_phone = text(_l("Contact's phone"), max_length=40)
    website = text(_l("Website"), max_length=500,
                   description=_l("An address that starts with https://."))
    visibility = RadioField(
        _l("Who may read it"),
        choices=[(v.value, label) for v, label in VISIBILITY_LABELS.items()],
        validators=[required(_l("Choose who may read it."))],
        default=CooperationVisibility.PUBLIC.value,
    )
    submit = SubmitField(_l("Save"))


class ApproveForm(Form):
    submit = SubmitField(_l("Approve"))


class ReturnForm(Form):
    reason = TextAreaField(
        _l("Why it is returned"),
        [required(_l("Say why the proposal is returned.")),
         Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
        description=_l("The region's contact reads this in the e-mail."),
    )
    submit = SubmitField(_l("Return to the region"))


class FilterForm(QueryForm):
    q = StringField(_l("Text"), [Optional(), Length(max=200)])
    region = SelectField(_l("Region"), validators=[Optional()], default="")
    theme = IdSelectField(_l("Theme"), blank=_l("All themes"))
    area = IdSelectField(_l("Area"), blank=_l("All areas"))
    kind = SelectField(_l("Kind"), validators=[Optional()], default="",
                       choices=[("", _l("All kinds"))]
                       + [(k.value, label) for k, label in KIND_LABELS.items()])
    country = SelectField(_l("Country"), validators=[Optional()], default="")
    on = SwedishDateField(_l("Active on"), [Optional()])
    ongoing = BooleanField(_l("Only ongoing today"))


class PeriodForm(QueryForm):
    period = IdSelectField(_l("Strategy period"), optional=False)


class ExportForm(FilterForm):
    format = RadioField(_l("Format"), choices=[("xlsx", _l("Excel (XLSX)")),
                                              ("csv", _l("CSV (semicolons, UTF-8)"))],
                        default="xlsx", validators=[Optional()])


class AreaForm(Form):
    area_id = HiddenField()
    name_sv = text(_l("Name in Swedish"), max_length=200, required_field=True)
    name_en = text(_l("Name in English"), max_length=200, required_field=True)
    submit = SubmitField(_l("Save the area"))
