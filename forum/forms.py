"""Form pieces shared by every feature: fields whose messages speak the user's language."""

from __future__ import annotations


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError


class SwedishDateField(DateField):
    """An <input type=date>; a browser without one lets people type 2026-11-24."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            # Nothing given: for the required and optional validators to judge.
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Write the date as YYYY-MM-DD, e.g. 2026-11-24.")) from None

    def pre_validate(self, form):
        # A date that could not be read keeps its own message: DataRequired would replace
        # it with "give a date" although the user gave one.
        if self.process_errors:
            raise StopValidation()


class IdSelectField(SelectField):
    """A select of database ids, with an empty first choice when optional."""

    def __init__(
        self,
        label=None,
        validators=None,
        blank: str | None = None,
        optional: bool = True,
        **kwargs,
    ):
        super().__init__(label, validators, coerce=self._coerce, validate_choice=True, **kwargs)
        self.blank = blank
        # A required choice may still start blank, so that nobody is chosen by accident.
        self.optional = optional and blank is not None
        if not self.optional:
            self.flags.required = True

    @staticmethod
    def _coerce(value):
        if value in (None, "", "None"):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1  # not a choice: pre_validate reports it

    def set_choices(self, pairs) -> None:
        choices = [(id_, label) for id_, label in pairs]
        if self.blank is not None:
            # An empty value, so that a browser's `required` sees nothing chosen.
            choices.insert(0, ("", self.blank))
        self.choices = choices

    def pre_validate(self, form):
        if self.data is None and self.optional:
            return
        if self.data is None:
            raise ValidationError(_l("Choose one."))
        values = {value for value, _ in self.choices or [] if value not in (None, "")}
        if self.data not in values:
            raise ValidationError(_l("Choose one of the alternatives."))


def required(message=None):
    return DataRequired(message=message or _l("This field is required."))


def text(label, *, max_length: int, required_field: bool = False, **kwargs) -> StringField:
    validators = [required()] if required_field else [Optional()]
    validators.append(
        Length(max=max_length, message=_l("At most %(max)d characters.", max=max_length))
    )
    return StringField(label, validators, filters=[_strip], **kwargs)


def long_text(label, *, max_length: int = 5000) -> TextAreaField:
    return TextAreaField(
        label,
        [
            Optional(),
            Length(max=max_length, message=_l("At most %(max)d characters.", max=max_length)),
        ],
        filters=[_strip],
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the product: CSRF-protected, errors shown beside their fields."""

    def add_error(self, field_name: str | None, message: str) -> None:
        field = getattr(self, field_name, None) if field_name else None
        if field is None:
            self.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


class QueryForm(FlaskForm):
    """A form sent with GET: nothing changes, so it carries no CSRF token."""

    class Meta:
        csrf = False


