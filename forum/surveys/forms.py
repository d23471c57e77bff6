"""Forms for surveys: the survey, a question, sending, reopening, attaching the results to a
meeting, and the answer form that is made from a survey's questions."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, Optional, ValidationError

from forum.forms import Form, IdSelectField, SwedishDateField, long_text, required, text
from forum.material.forms import VISIBILITY_LABELS
from forum.surveys import rules
from forum.surveys.models import Question, QuestionKind
from forum.timeutil import STOCKHOLM

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.ONE_CHOICE: _l("One choice"),
    QuestionKind.SEVERAL_CHOICES: _l("Several choices"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.COUNTRIES: _l("Countries"),
    QuestionKind.REGIONS: _l("Swedish regions"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _Deadline:
    """A deadline as a date and a time of day, in Swedish time."""

    deadline_day = SwedishDateField(_l("Deadline"), [required(_l("Give the last day."))])
    deadline_time = TimeField(_l("Time of day"), [required(_l("Give the time of day."))],
                              description=_l("Swedish time, e.g. 16:00."))

    def deadline(self) -> datetime:
        day, moment = self.deadline_day.data, self.deadline_time.data  # type: ignore[attr-defined]
        return datetime.combine(day, moment, tzinfo=STOCKHOLM)


class SurveyForm(_Deadline, Form):
    title = text(_l("Title"), max_length=rules.TITLE_MAX, required_field=True)
    introduction = long_text(_l("Introduction"), max_length=10_000)
    meeting_id = IdSelectField(_l("Meeting"), blank=_l("— no meeting —"),
                               description=_l("The meeting the answers prepare, if any."))
    submit = SubmitField(_l("Save"))


class ReopenForm(_Deadline, Form):
    submit = SubmitField(_l("Open again"))


def _number(label, **kwargs) -> StringField:
    return StringField(label, [Optional()], filters=[_strip], **kwargs)


class QuestionForm(Form):
    kind = SelectField(_l("Kind of question"),
                       choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    text = TextAreaField(_l("Question"), [required(_l("Write the question.")),
                                          Length(max=rules.TEXT_MAX, message=_l(
                                              "At most %(max)d characters.", max=rules.TEXT_MAX))],
                         filters=[_strip])
    help_text = long_text(_l("Help text"), max_length=rules.TEXT_MAX)
    required = BooleanField(_l("An answer is required"),
                            description=_l("Required only when the answer is submitted: drafts "
                                           "may be incomplete."))
    options = TextAreaField(_l("Alternatives"), [Optional()], filters=[_strip],
                            description=_l("For one choice and several choices: one "
                                           "alternative on each line."))
    min_value = _number(_l("Lowest number"), description=_l("For numbers; may be left empty."))
    max_value = _number(_l("Highest number"), description=_l("For numbers; may be left empty."))
    several = BooleanField(_l("Several may be chosen"),
                           description=_l("For countries and regions: otherwise only one."))
    submit = SubmitField(_l("Save the question"))

    def validate_min_value(self, field):
        self._parse(field)

    def validate_max_value(self, field):
        self._parse(field)

    @staticmethod
    def _parse(field):
        if field.data:
            try:
                rules.parse_number(field.data)
            except ValueError:
                raise ValidationError(_l("Write a number, e.g. 12 or 2,5.")) from None

    def spec(self) -> rules.QuestionSpec:
        return rules.QuestionSpec(
            kind=QuestionKind(self.kind.data), text=self.text.data or "",
            help_text=self.help_text.data or "", required=bool(self.required.data),
            options=rules.options_from_lines(self.options.data or ""),
            min_value=rules.parse_number(self.min_value.data) if self.min_value.data else None,
            max_value=rules.parse_number(self.max_value.data) if self.max_value.data else None,
            several=bool(self.several.data),
        )

    def fill(self, question: Question) -> None:
        self.kind.data = question.kind.value
        self.text.data = question.text
        self.help_text.data = question.help_text
        self.required.data = question.required
        self.options.data = "\n".join(question.options or [])
        self.min_value.data = rules.format_number(question.min_value, 6, grouping=False)
        self.max_value.data = rules.format_number(question.max_value, 6, grouping=False)
        self.several.data = question.several


class SendForm(Form):
    message = long_text(_l("A message with the e-mail"), max_length=5000)
    submit = SubmitField(_l("Send the survey"))


class AttachForm(Form):
    meeting_id = IdSelectField(_l("Meeting"), blank=_l("— choose a meeting —"), optional=False)
    title = text(_l("Title"), max_length=300, required_field=True)
    visibility = RadioField(_l("Who may read it"),
                            choices=[(v.value, label) for v, label in VISIBILITY_LABELS.items()],
                            validators=[required(_l("Choose who may read it."))])
    submit = SubmitField(_l("Attach to the meeting"))


# --- the answer form --------------------------------------------------------------------------


def _text_or_none(value):
    if value in (None, ""):
        return None
    return str(value)


class _Answer(Form):
    """Buttons; the questions' fields are added per survey (answer_form)."""

    save_draft = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Submit the answer"))
    discard_kept = SubmitField(_l("Discard what was kept"))

    questions: list[Question] = []

    def values(self) -> dict[int, rules.Value]:
        """Each question's answer as the rules and the service take it."""
        found = {}
        for question in self.questions:
            data = getattr(self, question.field_name).data
            if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT,
                                 QuestionKind.NUMBER):
                found[question.id] = rules.Value(text=(data or "").strip())
            elif question.many:
                found[question.id] = rules.Value(choices=[v for v in data or [] if v])
            else:
                found[question.id] = rules.Value(choices=[data] if data else [])
        return found

    def field_of(self, question: Question):
        return getattr(self, question.field_name)


def _field(question: Question, choices: list[tuple[str, str]]):
    label = question.text
    description = question.help_text or None
    if question.kind is QuestionKind.SHORT_TEXT:
        return StringField(label, description=description, filters=[_strip],
                           render_kw={"maxlength": rules.SHORT_ANSWER_MAX})
    if question.kind is QuestionKind.LONG_TEXT:
        return TextAreaField(label, description=description, render_kw={"rows": 6})
    if question.kind is QuestionKind.NUMBER:
        return StringField(label, description=description, filters=[_strip],
                           render_kw={"inputmode": "decimal", "autocomplete": "off"})
    if question.many:
        return SelectMultipleField(label, description=description, choices=choices,
                                   validate_choice=False)
    return SelectField(label, description=description, choices=choices, coerce=_text_or_none,
                       validate_choice=False)


def answer_form(questions: list[Question], choices_of, *, formdata=None,
                data=None) -> _Answer:
    """A form with a field per question. choices_of(question) gives a choosing question's
    (value, label) pairs. formdata=None shows `data` (a saved answer, or nothing)."""

    class AnswerForm(_Answer):
        pass

    AnswerForm.questions = list(questions)
    for question in questions:
        setattr(AnswerForm, question.field_name, _field(question, choices_of(question)))
    if formdata is None:
        return AnswerForm(formdata=None, data=data or {})
    return AnswerForm(formdata=formdata)


def answer_data(questions: list[Question], response) -> dict:
    """A saved answer as the form's data."""
    data: dict = {}
    if response is None:
        return data
    for question in questions:
        answer = response.answer_to(question)
        if answer is None:
            continue
        if question.kind is QuestionKind.NUMBER:
            data[question.field_name] = rules.format_number(answer.number, 6, grouping=False)
        elif question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            data[question.field_name] = answer.text
        elif question.many:
            data[question.field_name] = list(answer.choices)
        else:
            data[question.field_name] = answer.choices[0] if answer.choices else None
    return data
