"""Compiling a survey's submitted answers: per question the counts and shares of each
alternative (with a bar chart drawn server-side as SVG), statistics of numbers, and the
written answers per region or person. Pure: the answers go in, the figures come out.

Shares are of those who answered the question; with several choices they add up to more
than 100 %.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import format_percent, gettext

from forum.meetings.records import Chart, bar_chart
from forum.roster.models import Region
from forum.surveys import rules
from forum.surveys.models import Question, QuestionKind, SurveyAnswer, SurveyResponse

CHART_LABEL = 34  # characters of an alternative shown beside its bar; the table has all


@dataclass
class Count:
    value: str
    label: str
    count: int
    share: float | None  # of those who answered the question, 0..1

    @property
    def percent(self) -> str:
        return format_percent(self.share) if self.share is not None else ""


@dataclass
class NumberStats:
    count: int
    total: float
    mean: float
    median: float
    low: float
    high: float


@dataclass
class Written:
    who: str
    response_id: int
    text: str


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int
    submitted: int
    counts: list[Count] = field(default_factory=list)
    numbers: NumberStats | None = None
    written: list[Written] = field(default_factory=list)
    chart: Chart | None = None

    @property
    def counted(self) -> bool:
        return self.question.kind not in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT,
                                          QuestionKind.NUMBER)


def who(response: SurveyResponse) -> str:
    """The region, or the participant, an answer is from."""
    if response.region is not None:
        return response.region.name
    return response.person.name if response.person else ""


def label_of(question: Question, value: str, language: str,
             regions: dict[str, Region]) -> str:
    """How a stored choice reads: the alternative, Yes/No, a country's or region's name."""
    if question.kind is QuestionKind.YES_NO:
        return gettext("Yes") if value == rules.YES else gettext("No")
    if question.kind is QuestionKind.COUNTRIES:
        return rules.country_names(language).get(value, value)
    if question.kind is QuestionKind.REGIONS:
        region = regions.get(value)
        return region.name if region else value
    return value


def as_text(question: Question, answer: SurveyAnswer | None, language: str,
            regions: dict[str, Region]) -> str:
    """One answer in words, for the page of a region's answer and for the CSV."""
    if answer is None or answer.is_empty:
        return ""
    if question.kind is QuestionKind.NUMBER:
        return rules.format_number(answer.number, 6)
    if answer.choices:
        return "; ".join(label_of(question, c, language, regions) for c in answer.choices)
    return answer.text


def _counts(question: Question, answers: list[SurveyAnswer], language: str,
            regions: dict[str, Region]) -> list[Count]:
    tally = Counter(c for a in answers for c in a.choices)
    answered = len(answers)

    def count(value: str) -> Count:
        n = tally.get(value, 0)
        return Count(value, label_of(question, value, language, regions), n,
                     n / answered if answered else None)

    if question.is_choice:
        return [count(o) for o in question.options]
    if question.kind is QuestionKind.YES_NO:
        return [count(rules.YES), count(rules.NO)]
    found = [count(value) for value in tally]
    return sorted(found, key=lambda c: (-c.count, rules.sort_key(c.label, language)))


def _numbers(answers: list[SurveyAnswer]) -> NumberStats | None:
    values = [a.number for a in answers if a.number is not None]
    if not values:
        return None
    return NumberStats(len(values), sum(values), statistics.fmean(values),
                       statistics.median(values), min(values), max(values))


def chart_of(counts: list[Count]) -> Chart | None:
    if not any(c.count for c in counts):
        return None
    rows = []
    for c in counts:
        label = c.label if len(c.label) <= CHART_LABEL else c.label[:CHART_LABEL - 1] + "…"
        rows.append((label, [("count", c.count)], f"{c.count} ({c.percent})"))
    return bar_chart(rows, label_width=250, note_width=90)


def compile_results(questions: list[Question], responses: list[SurveyResponse], *,
                    language: str, regions: dict[str, Region]) -> list[QuestionResult]:
    """Per question, across the submitted answers (drafts do not count)."""
    submitted = [r for r in responses if r.is_submitted]
    results = []
    for number, question in enumerate(sorted(questions, key=lambda q: q.position), start=1):
        pairs = [(r, a) for r in submitted for a in r.answers
                 if a.question_id == question.id and not a.is_empty]
        answers = [a for _, a in pairs]
        result = QuestionResult(question, number, len(answers), len(submitted))
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            result.written = [Written(who(r), r.id, a.text) for r, a in pairs]
        elif question.kind is QuestionKind.NUMBER:
            result.numbers = _numbers(answers)
        else:
            result.counts = _counts(question, answers, language, regions)
            result.chart = chart_of(result.counts)
        results.append(result)
    return results
