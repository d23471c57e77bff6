"""Forms for material: a document, a new version, withdrawal, distribution, and the filters
of the knowledge bank and search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import Form, IdSelectField, QueryForm, long_text, required, text
from forum.material.models import DocumentKind, Visibility


def kind_label(kind: DocumentKind) -> str:
    return str(KIND_LABELS[kind])


KIND_LABELS = {
    DocumentKind.NOTICE: _l("Notice and agenda"),
    DocumentKind.BACKGROUND: _l("Background material"),
    DocumentKind.PRESENTATION: _l("Presentation"),
    DocumentKind.MINUTES: _l("Minutes"),
    DocumentKind.REPORT: _l("Report"),
    DocumentKind.OTHER: _lp("document kind", "Other"),
}
VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Public: everyone, also without logging in"),
    Visibility.PARTICIPANTS: _l("Participants: the body's members and the meeting's guests"),
    Visibility.SECRETARIAT: _l("The secretariat only"),
}
VISIBILITY_SHORT = {
    Visibility.PUBLIC: _l("Public"),
    Visibility.PARTICIPANTS: _l("Participants"),
    Visibility.SECRETARIAT: _l("Secretariat only"),
}
LANGUAGES = [("sv", _l("Swedish")), ("en", _l("English")), ("other", _l("Other language"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        values = {str(v) for v, _ in self.choices or []}
        for value in self.data or []:
            if str(value) not in values:
                from wtforms.validators import ValidationError

                raise ValidationError(_l("Choose among the alternatives."))


class _DocumentDetails(Form):
    """What a document says about itself: shared by the forms that add and change one."""

    title = text(_l("Title"), max_length=300, required_field=True)
    description = long_text(_l("Description"))
    kind = SelectField(_l("Kind"), choices=[(k.value, l) for k, l in KIND_LABELS.items()])
    language = SelectField(_l("Language"), choices=LANGUAGES)
    visibility = RadioField(_l("Who may read it"),
                            choices=[(v.value, l) for v, l in VISIBILITY_LABELS.items()],
                            validators=[required(_l("Choose who may read it."))])
    meeting_id = IdSelectField(_l("Meeting"), blank=_l("— no meeting —"))
    body_id = IdSelectField(_l("Body"), blank=_l("— none —"),
                            description=_l("For a document without a meeting: the forum body, "
                                           "working group or network it belongs to."))
    reported_by_id = IdSelectField(_l("Reported by"), blank=_l("— not a report —"),
                                   description=_l("A working group's or network's report to "
                                                  "the forum is listed on the group's page."))
    theme_ids = MultiCheckboxField(_l("Themes"), coerce=int)

    def details(self) -> dict:
        """The fields as the services take them."""
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "kind": DocumentKind(self.kind.data),
            "language": self.language.data,
            "visibility": Visibility(self.visibility.data),
            "meeting_id": self.meeting_id.data,
            "body_id": self.body_id.data,
            "reported_by_id": self.reported_by_id.data,
        }


class DocumentForm(_DocumentDetails):
    file = FileField(_l("File"))
    link_url = StringField(_l("Or a link"), [Optional(), Length(max=1000)],
                           description=_l("Instead of a file: an address that starts with https://."))
    note = text(_l("Note on this version"), max_length=500)
    submit = SubmitField(_l("Save the document"))


class EditDocumentForm(_DocumentDetails):
    link_url = StringField(_l("Link"), [Optional(), Length(max=1000)])
    submit = SubmitField(_l("Save the changes"))


class VersionForm(Form):
    file = FileField(_l("New version"), description=_l("The file replaces the current one for "
                                                     "readers; earlier versions are kept."))
    note = text(_l("What changed"), max_length=500)
    submit = SubmitField(_l("Upload the new version"))


class WithdrawForm(Form):
    reason = long_text(_l("Why it is withdrawn"), max_length=2000)
    submit = SubmitField(_l("Withdraw the document"))


class DistributeForm(Form):
    message = long_text(_l("Message to the participants"), max_length=3000)
    submit = SubmitField(_l("Send to the participants"))


class MaterialFilterForm(QueryForm):
    kind = SelectField(_l("Kind"), choices=[("", _l("All kinds"))]
                       + [(k.value, l) for k, l in KIND_LABELS.items()], validators=[Optional()])
    year = SelectField(_l("Year"), choices=[("", _l("All years"))], validators=[Optional()])


class SearchForm(QueryForm):
    q = StringField(_l("Search the material"), [Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("", _l("All kinds"))]
                       + [(k.value, l) for k, l in KIND_LABELS.items()], validators=[Optional()])
    theme = IdSelectField(_l("Theme"), blank=_l("All themes"))
