"""The rules of surveys, as pure functions: when a survey takes answers, what a question
must say, what an answer may hold, how numbers are read, the country list, and the
standard questions of an evaluation."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from babel import Locale
from flask_babel import gettext

from forum.surveys.models import Question, QuestionKind, Survey, SurveyStatus

TITLE_MAX = 300
TEXT_MAX = 2000
SHORT_ANSWER_MAX = 500
LONG_ANSWER_MAX = 20_000
OPTION_MAX = 200
OPTIONS_MAX = 50
QUESTIONS_MAX = 100
# The automatic reminder goes this long before the deadline, once.
AUTO_REMINDER_BEFORE = timedelta(days=3)
YES, NO = "yes", "no"


class SurveyError(Exception):
    """A refused change, explained in the user's language, aimed at a form field."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class AnswerRefused(SurveyError):
    """An answer with a message for each field that is wrong; nothing of it is saved."""

    def __init__(self, errors: dict[str, str]):
        first = next(iter(errors.items()))
        super().__init__(*first)
        self.errors = errors


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- a survey's life ------------------------------------------------------------------------


def status_at(survey: Survey, now: datetime) -> SurveyStatus:
    """The status as respondents meet it: an open survey whose deadline has passed is
    closed, whether or not the daily command has marked it so yet."""
    if survey.status is SurveyStatus.OPEN and _aware(survey.deadline) <= now:
        return SurveyStatus.CLOSED
    return survey.status


def takes_answers(survey: Survey, now: datetime) -> bool:
    return status_at(survey, now) is SurveyStatus.OPEN


def check_deadline(deadline: datetime, now: datetime) -> None:
    if _aware(deadline) <= now:
        raise SurveyError("deadline_day", gettext("The deadline must be later than now."))


def auto_reminder_due(survey: Survey, now: datetime,
                      before: timedelta = AUTO_REMINDER_BEFORE) -> bool:
    """The automatic reminder is due: open, deadline within `before`, not sent before."""
    return (takes_answers(survey, now) and survey.auto_reminder_at is None
            and _aware(survey.deadline) - before <= now)


def response_rate(submitted: int, expected: int) -> int | None:
    """Whole per cent, or None when nobody was asked."""
    return round(100 * submitted / expected) if expected else None


# --- questions --------------------------------------------------------------------------------


@dataclass
class QuestionSpec:
    """What the question form says, checked before anything is saved."""

    kind: QuestionKind
    text: str
    help_text: str = ""
    required: bool = False
    options: list[str] | None = None
    min_value: float | None = None
    max_value: float | None = None
    several: bool = True


def options_from_lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]


def check_question(spec: QuestionSpec) -> QuestionSpec:
    """The question as it will be stored, or SurveyError on the field that is wrong."""
    text = spec.text.strip()
    if not text:
        raise SurveyError("text", gettext("Write the question."))
    if len(text) > TEXT_MAX:
        raise SurveyError("text", gettext("At most %(max)d characters.", max=TEXT_MAX))
    options: list[str] = []
    if spec.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
        options = [o.strip() for o in spec.options or [] if o.strip()]
        if len(options) < 2:
            raise SurveyError("options", gettext(
                "Give at least two alternatives, one on each line."))
        if len(options) > OPTIONS_MAX:
            raise SurveyError("options", gettext(
                "At most %(max)d alternatives.", max=OPTIONS_MAX))
        long = next((o for o in options if len(o) > OPTION_MAX), None)
        if long is not None:
            raise SurveyError("options", gettext(
                "An alternative may have at most %(max)d characters: %(option)s",
                max=OPTION_MAX, option=long[:40] + "…"))
        seen: set[str] = set()
        for option in options:
            if option.casefold() in seen:
                raise SurveyError("options", gettext(
                    "The alternative %(option)s is there twice.", option=option))
            seen.add(option.casefold())
    low = high = None
    if spec.kind is QuestionKind.NUMBER:
        low, high = spec.min_value, spec.max_value
        if low is not None and high is not None and low > high:
            raise SurveyError("max_value", gettext(
                "The highest number must not be lower than the lowest."))
    return QuestionSpec(
        kind=spec.kind, text=text, help_text=spec.help_text.strip(), required=spec.required,
        options=options, min_value=low, max_value=high,
        several=spec.several if spec.kind in (QuestionKind.COUNTRIES, QuestionKind.REGIONS)
        else True,
    )


def evaluation_questions() -> list[QuestionSpec]:
    """The standard evaluation of a meeting, in the language of whoever starts it; the
    secretariat edits them before sending."""
    return [
        QuestionSpec(QuestionKind.ONE_CHOICE, gettext("Overall, how would you rate the meeting?"),
                     gettext("1 is poor and 5 is excellent."), True,
                     ["1", "2", "3", "4", "5"]),
        QuestionSpec(QuestionKind.YES_NO,
                     gettext("Was the meeting's theme relevant to your work?"), "", True),
        QuestionSpec(QuestionKind.LONG_TEXT, gettext("What worked well?")),
        QuestionSpec(QuestionKind.LONG_TEXT, gettext("What could be improved?")),
    ]


# --- answers ----------------------------------------------------------------------------------


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def parse_number(raw: str) -> float:
    """A number as people write it in Swedish or English: 1 500, 2,5, 2.5, −3.
    ValueError when it is not one."""
    cleaned = (raw.strip().replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "")
               .replace(" ", ""))
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(raw)
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value) or abs(value) > 1e15:
        raise ValueError(raw)
    return value


@dataclass
class Value:
    """One question's answer as the form gives it, before it is stored."""

    text: str = ""
    number: float | None = None
    choices: list[str] | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text and self.number is None and not self.choices


def allowed_values(question: Question, region_codes: list[str], country_codes: set[str]
                   ) -> set[str] | None:
    """The values a choosing question accepts; None for questions that are written."""
    if question.is_choice:
        return set(question.options or [])
    if question.kind is QuestionKind.YES_NO:
        return {YES, NO}
    if question.kind is QuestionKind.COUNTRIES:
        return country_codes
    if question.kind is QuestionKind.REGIONS:
        return set(region_codes)
    return None


def check_answers(questions: list[Question], values: dict[int, Value], *, submit: bool,
                  region_codes: list[str], country_codes: set[str]) -> dict[str, str]:
    """The message for each question whose answer is wrong. Required questions are only
    enforced when the answer is submitted: a draft may be incomplete."""
    errors: dict[str, str] = {}
    for question in questions:
        value = values.get(question.id, Value())
        name = question.field_name
        if value.is_empty:
            if submit and question.required:
                errors[name] = _missing(question)
            continue
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            limit = (SHORT_ANSWER_MAX if question.kind is QuestionKind.SHORT_TEXT
                     else LONG_ANSWER_MAX)
            if len(value.text) > limit:
                errors[name] = gettext("At most %(max)d characters.", max=limit)
        elif question.kind is QuestionKind.NUMBER:
            number = value.number
            if number is None:
                try:
                    number = parse_number(value.text)
                except ValueError:
                    number = None
            if number is None:
                errors[name] = gettext("Write a number, e.g. 12 or 2,5.")
            elif question.min_value is not None and number < question.min_value:
                errors[name] = gettext("The lowest number accepted is %(min)s.",
                                       min=format_number(question.min_value))
            elif question.max_value is not None and number > question.max_value:
                errors[name] = gettext("The highest number accepted is %(max)s.",
                                       max=format_number(question.max_value))
        else:
            allowed = allowed_values(question, region_codes, country_codes) or set()
            chosen = value.choices or []
            if any(c not in allowed for c in chosen):
                errors[name] = gettext("Choose from the alternatives.")
            elif not question.many and len(chosen) > 1:
                errors[name] = gettext("Choose only one.")
            elif len(set(chosen)) != len(chosen):
                errors[name] = gettext("Choose each alternative once.")
    return errors


def _missing(question: Question) -> str:
    if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
        return gettext("Answer the question.")
    return gettext("Choose at least one.") if question.many else gettext("Choose one.")


def format_number(value: float | None, digits: int = 2, *, grouping: bool = True) -> str:
    """A number in the reader's language: 1 500, 2,5. Without grouping for a form field,
    where parse_number reads it back whatever the language (1500,5 or 1500.5)."""
    if value is None:
        return ""
    from flask_babel import format_decimal

    pattern = ("#,##0" if grouping else "0") + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern)


# --- countries --------------------------------------------------------------------------------

# CLDR territories that are not ISO 3166-1 countries: continents and groupings are numeric;
# these letter codes are reserved or private-use (Ascension, Clipperton, Diego Garcia, the
# EU, the eurozone, the Canaries, Tristan da Cunha, the UN, outlying Oceania, pseudo-locales,
# Kosovo's user-assigned code, unknown).
NOT_ISO_3166 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB",
                "XK", "ZZ"}
# Swedish alphabetical order puts å, ä, ö after z, in that order.
_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})


def sort_key(name: str, language: str) -> str:
    lowered = name.casefold()
    if language == "sv":
        lowered = lowered.translate(_SWEDISH_LAST)
    # Other accents sort with their letter: Égypten with E.
    return "".join(c for c in unicodedata.normalize("NFKD", lowered)
                   if not unicodedata.combining(c))


@lru_cache(maxsize=8)
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """(ISO 3166-1 alpha-2 code, name) in the language's alphabetical order, from CLDR."""
    names = Locale.parse(language).territories
    found = [(code, name) for code, name in names.items()
             if len(code) == 2 and code.isalpha() and code not in NOT_ISO_3166]
    return tuple(sorted(found, key=lambda pair: sort_key(pair[1], language)))


@lru_cache(maxsize=8)
def country_names(language: str) -> dict[str, str]:
    return dict(countries(language))


def country_codes() -> set[str]:
    return set(country_names("en"))
