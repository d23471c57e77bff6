"""The rules of surveys as pure functions: status and deadline, questions, numbers, answers,
the country list from CLDR, response rates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forum.surveys import rules
from forum.surveys.models import Question, QuestionKind, Survey, SurveyStatus
from forum.surveys.rules import QuestionSpec, SurveyError, Value

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english(app):
    # Messages in the code's own words.
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        yield


def survey(status=SurveyStatus.OPEN, deadline=NOW + timedelta(days=1), reminded=None):
    return Survey(title="t", status=status, deadline=deadline, auto_reminder_at=reminded)


def q(id_, kind, *, required=False, options=None, low=None, high=None, several=True):
    return Question(id=id_, kind=kind, text=f"Fråga {id_}", required=required,
                    options=options or [], min_value=low, max_value=high, several=several)


# --- status and deadline ---------------------------------------------------------------------


def test_an_open_survey_past_its_deadline_is_closed():
    assert rules.status_at(survey(), NOW) is SurveyStatus.OPEN
    assert rules.takes_answers(survey(), NOW)
    past = survey(deadline=NOW - timedelta(seconds=1))
    assert rules.status_at(past, NOW) is SurveyStatus.CLOSED
    assert not rules.takes_answers(past, NOW)
    # Exactly at the deadline it is closed: "by 16:00" means before 16:00.
    assert not rules.takes_answers(survey(deadline=NOW), NOW)


def test_drafts_and_closed_surveys_take_no_answers():
    assert not rules.takes_answers(survey(SurveyStatus.DRAFT), NOW)
    assert not rules.takes_answers(survey(SurveyStatus.CLOSED), NOW)


def test_a_deadline_must_be_in_the_future():
    rules.check_deadline(NOW + timedelta(minutes=1), NOW)
    with pytest.raises(SurveyError) as refused:
        rules.check_deadline(NOW, NOW)
    assert refused.value.field == "deadline_day"


def test_the_automatic_reminder_is_due_once_near_the_deadline():
    near = survey(deadline=NOW + timedelta(days=2))
    far = survey(deadline=NOW + timedelta(days=5))
    assert rules.auto_reminder_due(near, NOW)
    assert not rules.auto_reminder_due(far, NOW)
    assert not rules.auto_reminder_due(survey(deadline=NOW + timedelta(days=2), reminded=NOW),
                                       NOW)
    assert not rules.auto_reminder_due(survey(deadline=NOW - timedelta(hours=1)), NOW)
    assert rules.auto_reminder_due(far, NOW, before=timedelta(days=6))


def test_response_rate():
    assert rules.response_rate(7, 21) == 33
    assert rules.response_rate(21, 21) == 100
    assert rules.response_rate(0, 0) is None


# --- questions ---------------------------------------------------------------------------------


def test_a_question_needs_words():
    with pytest.raises(SurveyError) as refused:
        rules.check_question(QuestionSpec(QuestionKind.SHORT_TEXT, "   "))
    assert refused.value.field == "text"


def test_choices_need_two_distinct_alternatives():
    with pytest.raises(SurveyError) as refused:
        rules.check_question(QuestionSpec(QuestionKind.ONE_CHOICE, "Välj", options=["Ja"]))
    assert refused.value.field == "options"
    with pytest.raises(SurveyError, match="twice"):
        rules.check_question(QuestionSpec(QuestionKind.SEVERAL_CHOICES, "Välj",
                                          options=["Kina", "kina "]))
    checked = rules.check_question(QuestionSpec(QuestionKind.ONE_CHOICE, " Välj ",
                                                options=[" Ja", "", "Nej "]))
    assert checked.text == "Välj" and checked.options == ["Ja", "Nej"]


def test_alternatives_are_dropped_from_questions_that_have_none():
    checked = rules.check_question(QuestionSpec(QuestionKind.YES_NO, "Ja eller nej?",
                                                options=["a", "b"], min_value=1))
    assert checked.options == [] and checked.min_value is None


def test_a_numbers_range_must_be_the_right_way_round():
    with pytest.raises(SurveyError) as refused:
        rules.check_question(QuestionSpec(QuestionKind.NUMBER, "Antal", min_value=10,
                                          max_value=1))
    assert refused.value.field == "max_value"


def test_the_standard_evaluation():
    specs = rules.evaluation_questions()
    assert [s.kind for s in specs] == [QuestionKind.ONE_CHOICE, QuestionKind.YES_NO,
                                       QuestionKind.LONG_TEXT, QuestionKind.LONG_TEXT]
    assert specs[0].options == ["1", "2", "3", "4", "5"] and specs[0].required
    assert "relevant" in specs[1].text and "improve" in specs[3].text


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [
    ("12", 12.0), ("2,5", 2.5), ("2.5", 2.5), ("1 500 000", 1_500_000.0),
    ("1\u00a0500", 1500.0), ("\u22123", -3.0), ("-0,25", -0.25), (",5", 0.5), ("+7", 7.0),
])
def test_numbers_are_read_as_people_write_them(raw, value):
    assert rules.parse_number(raw) == value


@pytest.mark.parametrize("raw", ["", "tolv", "1,2,3", "1e400", "12 st", "nan", "inf", "--1"])
def test_what_is_not_a_number(raw):
    with pytest.raises(ValueError):
        rules.parse_number(raw)


# --- answers ------------------------------------------------------------------------------------


QUESTIONS = [
    q(1, QuestionKind.SHORT_TEXT, required=True),
    q(2, QuestionKind.ONE_CHOICE, required=True, options=["A", "B"]),
    q(3, QuestionKind.SEVERAL_CHOICES, options=["A", "B", "C"]),
    q(4, QuestionKind.NUMBER, low=0, high=100),
    q(5, QuestionKind.YES_NO),
    q(6, QuestionKind.COUNTRIES),
    q(7, QuestionKind.REGIONS, several=False),
]
CODES = ["01", "12", "14"]


def check(values, submit=True):
    return rules.check_answers(QUESTIONS, values, submit=submit, region_codes=CODES,
                               country_codes=rules.country_codes())


def test_required_questions_only_on_submit():
    assert check({}, submit=False) == {}
    errors = check({}, submit=True)
    assert set(errors) == {"q1", "q2"}
    assert errors["q1"] == "Answer the question."
    assert errors["q2"] == "Choose one."


def test_a_complete_answer_passes():
    assert check({1: Value(text="Anna"), 2: Value(choices=["A"]),
                  3: Value(choices=["A", "C"]), 4: Value(text="2,5"),
                  5: Value(choices=["yes"]), 6: Value(choices=["CN", "RU", "DE"]),
                  7: Value(choices=["14"])}) == {}


def test_wrong_answers_are_each_named():
    errors = check({1: Value(text="x" * 501), 2: Value(choices=["A", "B"]),
                    3: Value(choices=["D"]), 4: Value(text="101"), 5: Value(choices=["maybe"]),
                    6: Value(choices=["XX"]), 7: Value(choices=["12", "14"])}, submit=False)
    assert errors == {
        "q1": "At most 500 characters.",
        "q2": "Choose only one.",
        "q3": "Choose from the alternatives.",
        "q4": "The highest number accepted is 100.",
        "q5": "Choose from the alternatives.",
        "q6": "Choose from the alternatives.",
        "q7": "Choose only one.",
    }


def test_numbers_below_the_lowest_and_not_numbers():
    assert check({4: Value(text="-1")}, submit=False) == {
        "q4": "The lowest number accepted is 0."}
    assert check({4: Value(text="många")}, submit=False) == {
        "q4": "Write a number, e.g. 12 or 2,5."}


def test_non_iso_territories_are_not_countries():
    codes = rules.country_codes()
    assert {"SE", "CN", "RU", "DE", "US", "FI", "NO", "EE"} <= codes
    assert not codes & {"EU", "EZ", "UN", "ZZ", "XK", "QO", "001", "150"}
    assert 240 <= len(codes) <= 252


def test_countries_have_names_in_each_language_in_its_order():
    swedish = dict(rules.countries("sv"))
    english = dict(rules.countries("en"))
    assert swedish["CN"] == "Kina" and swedish["RU"] == "Ryssland" and swedish["DE"] == "Tyskland"
    assert english["CN"] == "China" and english["DE"] == "Germany"
    names = [name for _, name in rules.countries("sv")]
    # Å, Ä, Ö last, in the Swedish order; accents sort with their letter.
    assert names.index("Österrike") > names.index("Åland") > names.index("Zimbabwe")
    assert names[-1] == "Östtimor"
    assert names.index("Egypten") < names.index("Ekvatorialguinea")
