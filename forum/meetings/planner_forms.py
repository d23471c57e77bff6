"""Forms of the year planner: the year, the proposal's rows as the secretariat adjusts them,
blackout periods and the planner's settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TimeField,
)
from wtforms import Form as PlainForm
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from forum.forms import Form, QueryForm, SwedishDateField, required, text

FIRST_YEAR, LAST_YEAR = 2000, 2100


class WholeNumberField(IntegerField):
    """A whole number in a text box that brings up digits on a phone (a number box changes
    its value when one scrolls over it), complaining about letters in the user's language."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Write a whole number, e.g. 6.")) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class ClockField(TimeField):
    """A time of day: 10:00, or 10.00 as Swedes often write it."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label, validators, format=["%H:%M", "%H.%M", "%H:%M:%S"],
            invalid_value_message=_l("Write the time as HH:MM, e.g. 10:00."), **kwargs,
        )

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None  # for the required validator to judge
            return
        super().process_formdata([" ".join(valuelist).strip()])

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


def year_field() -> WholeNumberField:
    return WholeNumberField(
        _l("Year"),
        [InputRequired(_l("Give the year to plan.")),
         NumberRange(FIRST_YEAR, LAST_YEAR,
                     message=_l("Choose a year from %(first)d to %(last)d.",
                                first=FIRST_YEAR, last=LAST_YEAR))],
    )


class YearForm(QueryForm):
    """Which year to look at (sent with GET: nothing changes)."""

    year = year_field()


class PlannedMeetingForm(PlainForm):
    """One proposed meeting as the secretariat adjusts it. A part of ConfirmPlanForm, whose
    token covers it."""

    day = SwedishDateField(_l("Date"), [required(_l("Give the date."))])
    start_time = ClockField(_l("Starts"), [required(_l("Give the time it starts."))])
    end_time = ClockField(_l("Ends"), [required(_l("Give the time it ends."))])
    host_region = SelectField(_l("Host region"), choices=[], validate_choice=False)
    # Which meeting of the proposal the row is (body and theme): if the proposal changed
    # since the page was shown, the rows no longer match and nothing is created.
    meeting = HiddenField()

    def validate_host_region(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError(_l("Choose one of the regions."))

    def validate_end_time(self, field):
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The meeting must end after it starts."))


class ConfirmPlanForm(Form):
    year = year_field()
    meetings = FieldList(FormField(PlannedMeetingForm), min_entries=0, max_entries=40)
    plan_more = BooleanField(_l("Yes, add these meetings to those the year already has"))
    submit = SubmitField(_l("Confirm and create the meetings"))


# --- blackout periods and settings -----------------------------------------------------------

KINDS = (
    ("iso_weeks", _l("Weeks of every year")),
    ("annual", _l("The same days every year")),
    ("dates", _l("From one date to another, once")),
)


def _month_day(field) -> tuple[int, int] | None:
    """'12-20' as (12, 20); 29 February counts, as leap years have it."""
    value = (field.data or "").strip()
    try:
        parsed = datetime.strptime(f"2000-{value}", "%Y-%m-%d")
    except ValueError:
        return None
    if len(value) != 5:
        return None
    return parsed.month, parsed.day


class BlackoutForm(Form):
    name = text(_l("Name"), max_length=200, required_field=True,
                description=_l("E.g. Almedalsveckan, or the autumn break."))
    kind = RadioField(_l("Which days"), [InputRequired(_l("Choose which days."))], choices=KINDS,
                      validate_choice=False)
    first_week = WholeNumberField(_l("First week"), [Optional()])
    last_week = WholeNumberField(_l("Last week"), [Optional()])
    first_day = text(_l("First day"), max_length=5, description=_l("Month and day, e.g. 12-20."))
    last_day = text(_l("Last day"), max_length=5, description=_l("Month and day, e.g. 01-07."))
    start_date = SwedishDateField(_l("From"), [Optional()])
    end_date = SwedishDateField(_l("To"), [Optional()])
    submit = SubmitField(_l("Add the blackout period"))

    def validate_kind(self, field):
        if field.data not in {value for value, _ in KINDS}:
            raise ValidationError(_l("Choose one of the alternatives."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kind = self.kind.data
        if kind == "iso_weeks":
            valid &= self._weeks()
        elif kind == "annual":
            valid &= self._annual()
        elif kind == "dates":
            valid &= self._dates()
        return valid

    def _missing(self, field, message) -> bool:
        if field.data is None and not field.errors:
            field.errors = [*field.errors, message]
        return field.data is None

    def _weeks(self) -> bool:
        ok = True
        for field in (self.first_week, self.last_week):
            if self._missing(field, _l("Give the week number.")):
                ok = False
            elif not 1 <= field.data <= 53:
                field.errors = [*field.errors, _l("A week number is from 1 to 53.")]
                ok = False
        if ok and self.first_week.data > self.last_week.data:
            self.last_week.errors = [
                *self.last_week.errors,
                _l("The last week cannot come before the first; make two periods to cover "
                   "the turn of the year."),
            ]
            ok = False
        return ok

    def _annual(self) -> bool:
        ok = True
        for field in (self.first_day, self.last_day):
            if not field.data:
                field.errors = [*field.errors, _l("Give the month and day.")]
                ok = False
            elif _month_day(field) is None:
                field.errors = [*field.errors,
                                _l("Write the month and day as MM-DD, e.g. 12-20.")]
                ok = False
        return ok

    def _dates(self) -> bool:
        ok = not self._missing(self.start_date, _l("Give the first date."))
        ok &= not self._missing(self.end_date, _l("Give the last date."))
        if ok and self.end_date.data < self.start_date.data:
            self.end_date.errors = [*self.end_date.errors,
                                    _l("The last date cannot come before the first.")]
            ok = False
        return ok

    def month_days(self) -> tuple[str, str]:
        first, last = _month_day(self.first_day), _month_day(self.last_day)
        assert first and last
        return f"{first[0]:02d}-{first[1]:02d}", f"{last[0]:02d}-{last[1]:02d}"


class RemoveBlackoutForm(Form):
    blackout_id = WholeNumberField(_l("Blackout period"), [InputRequired(_l("Choose a blackout period."))])
    submit = SubmitField(_l("Remove"))


WEEKDAYS = (
    ("1", _l("Monday")),
    ("2", _l("Tuesday")),
    ("3", _l("Wednesday")),
    ("4", _l("Thursday")),
    ("5", _l("Friday")),
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlannerSettingsForm(Form):
    preferred_weekdays = CheckboxesField(
        _l("Preferred weekdays"), choices=WEEKDAYS, validate_choice=False,
        description=_l("The planner chooses these days when it can, and other working days "
                       "when it must."),
    )
    min_gap_weeks = WholeNumberField(
        _l("Weeks between a body's meetings, at least"),
        [InputRequired(_l("Give the number of weeks.")),
         NumberRange(1, 26, message=_l("From %(min)d to %(max)d weeks.", min=1, max=26))],
    )
    lead_min_weeks = WholeNumberField(
        _l("Officials meet before the politicians, at least (weeks)"),
        [InputRequired(_l("Give the number of weeks.")),
         NumberRange(1, 12, message=_l("From %(min)d to %(max)d weeks.", min=1, max=12))],
    )
    lead_max_weeks = WholeNumberField(
        _l("Officials meet before the politicians, at most (weeks)"),
        [InputRequired(_l("Give the number of weeks.")),
         NumberRange(1, 12, message=_l("From %(min)d to %(max)d weeks.", min=1, max=12))],
    )
    start_time = ClockField(_l("Meetings start at"), [required(_l("Give the time."))],
                            description=_l("Swedish time, e.g. 10:00."))
    duration_minutes = WholeNumberField(
        _l("Length of a meeting (minutes)"),
        [InputRequired(_l("Give the length in minutes.")),
         NumberRange(15, 720, message=_l("From %(min)d to %(max)d minutes.", min=15, max=720))],
    )
    material_deadline_days = WholeNumberField(
        _l("Material is due this many days before a meeting"),
        [Optional(),
         NumberRange(0, 60, message=_l("From %(min)d to %(max)d days.", min=0, max=60))],
        description=_l("The dashboard warns about meetings whose material is late. Leave "
                       "empty to keep the current number."),
    )
    submit = SubmitField(_l("Save the settings"))

    def validate_preferred_weekdays(self, field):
        chosen = [v for v in field.data or [] if v in {value for value, _ in WEEKDAYS}]
        if len(chosen) != len(field.data or []):
            raise ValidationError(_l("Choose among Monday to Friday."))
        if not chosen:
            raise ValidationError(_l("Choose at least one weekday."))

    def validate_lead_max_weeks(self, field):
        low = self.lead_min_weeks.data
        if field.data is not None and low is not None and not self.lead_min_weeks.errors \
                and low > field.data:
            raise ValidationError(_l("The longest preparation time cannot be shorter than "
                                     "the shortest."))

    def validate_duration_minutes(self, field):
        if field.data is None or self.start_time.data is None or field.errors:
            return
        start = datetime.combine(date(2000, 1, 1), self.start_time.data)
        if (start + timedelta(minutes=field.data)).date() != start.date():
            raise ValidationError(_l("A meeting must end on the day it starts."))
