"""The form for a news item: its Swedish text, an optional English version, and what it is
about."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from forum.forms import Form, IdSelectField, required, text

MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, [a link](https://…), ## a heading, - a list. "
                   "HTML is shown as text.")
LEAD_HINT = _l("One or two sentences of plain text: shown in lists, in the feed and by search "
               "engines.")
MAX_BODY = 20000
MAX_LEAD = 600


def _area(label, *, max_length: int, required_message=None, description=None,
          **render_kw) -> TextAreaField:
    validators = [required(required_message)] if required_message else [Optional()]
    validators.append(Length(max=max_length, message=_l("At most %(max)d characters.",
                                                        max=max_length)))
    return TextAreaField(label, validators, description=description, render_kw=render_kw,
                         filters=[lambda v: v.strip() if isinstance(v, str) else v])


class NewsForm(Form):
    # Each field says its language, for spelling checkers and screen readers.
    title_sv = text(_l("Title in Swedish"), max_length=300, required_field=True,
                    render_kw={"lang": "sv"})
    summary_sv = _area(_l("Lead in Swedish"), max_length=MAX_LEAD, description=LEAD_HINT,
                       required_message=_l("Write a short lead in Swedish."), lang="sv", rows=3)
    body_sv = _area(_l("Text in Swedish"), max_length=MAX_BODY, description=MARKDOWN_HINT,
                    required_message=_l("Write the text in Swedish."), lang="sv", rows=14)
    title_en = text(_l("Title in English"), max_length=300, render_kw={"lang": "en"})
    summary_en = _area(_l("Lead in English"), max_length=MAX_LEAD,
                       description=_l("Without one, English readers see the Swedish lead."),
                       lang="en", rows=3)
    body_en = _area(_l("Text in English"), max_length=MAX_BODY, description=MARKDOWN_HINT,
                    lang="en", rows=14)
    meeting_id = IdSelectField(_l("Meeting"), blank=_l("— no meeting —"))
    theme_id = IdSelectField(_l("Theme"), blank=_l("— no theme —"))
    body_id = IdSelectField(_l("Body, working group or network"), blank=_l("— none —"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))

    def fields(self) -> dict:
        """The fields as the services take them."""
        return {
            "title_sv": self.title_sv.data or "",
            "summary_sv": self.summary_sv.data or "",
            "body_sv": self.body_sv.data or "",
            "title_en": self.title_en.data or "",
            "summary_en": self.summary_en.data or "",
            "body_en": self.body_en.data or "",
            "meeting_id": self.meeting_id.data,
            "theme_id": self.theme_id.data,
            "body_id": self.body_id.data,
        }
