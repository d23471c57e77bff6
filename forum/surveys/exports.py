"""A survey's answers as CSV and XLSX: one row per region (or participant), one column per
question, in the reader's language; the XLSX has the compiled results on a second sheet.
The cell guard and CSV dialect are every export's (forum/exports.py)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from flask import Response
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from forum.exports import csv_response, fill_sheet, xlsx_bytes, xlsx_response
from forum.exports import safe as _safe
from forum.roster.models import Region
from forum.surveys import results
from forum.surveys.models import Question, QuestionKind, Survey, SurveyResponse
from forum.surveys.queries import Respondents
from forum.timeutil import STOCKHOLM


def file_stem(survey: Survey) -> str:
    """survey-12-internationellt-engagemang: ASCII, for every file system."""
    plain = unicodedata.normalize("NFKD", survey.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")
    stem = gettext("survey")
    return f"{stem}-{survey.id}" + (f"-{slug}" if slug else "")


def _local(moment: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: Stockholm's wall-clock time, as the pages show.
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None) if moment else None


def _columns(survey: Survey, questions: list[Question]) -> list[str]:
    first = ([gettext("Name"), gettext("Organisation")] if survey.is_evaluation
             else [gettext("County code"), gettext("Region")])
    return first + [gettext("Status"), gettext("Answered by"), gettext("First submitted"),
                    gettext("Last changed")] + [
        f"{n}. {q.text}" for n, q in enumerate(questions, start=1)]


def _status(response: SurveyResponse | None) -> str:
    if response is None:
        return gettext("Not answered")
    return gettext("Submitted") if response.is_submitted else gettext("Draft, not submitted")


def _rows(survey: Survey, questions: list[Question], respondents: Respondents,
          language: str, regions: dict[str, Region], *, numbers: bool):
    """Every region or participant asked, answered or not; only submitted answers have
    their content (a draft is not an answer yet)."""
    for asked in respondents.asked:
        response = respondents.submitted.get(asked.id) or respondents.drafts.get(asked.id)
        if survey.is_evaluation:
            first: list[object] = [asked.name,
                                   asked.organisation.name if asked.organisation else ""]
        else:
            first = [asked.code, asked.name]
        by = response.answered_by.person.name if response and response.answered_by else ""
        row = first + [_status(response), by,
                       _local(response.first_submitted_at) if response else None,
                       _local(response.updated_at) if response else None]
        for question in questions:
            answer = response.answer_to(question) if response and response.is_submitted else None
            if numbers and question.kind is QuestionKind.NUMBER and answer is not None:
                value = answer.number
                row.append(int(value) if value is not None and value.is_integer() else value)
            else:
                row.append(results.as_text(question, answer, language, regions))
        yield row


def as_csv(survey: Survey, questions: list[Question], respondents: Respondents, *,
           language: str, regions: dict[str, Region]) -> Response:
    rows = _rows(survey, questions, respondents, language, regions, numbers=False)
    return csv_response(_columns(survey, questions), rows, f"{file_stem(survey)}.csv")


def workbook(survey: Survey, questions: list[Question], respondents: Respondents,
             compiled: list[results.QuestionResult], *, language: str,
             regions: dict[str, Region]) -> bytes:
    book = Workbook()
    answers = book.active
    answers.title = gettext("Answers")[:31]
    fill_sheet(answers, _columns(survey, questions),
               _rows(survey, questions, respondents, language, regions, numbers=True),
               date_columns=("E", "F"), date_format="yyyy-mm-dd hh:mm", freeze="C2")
    for cell in answers[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    summary = book.create_sheet(gettext("Compiled")[:31])
    summary.append([survey.title])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([gettext("Answers submitted: %(submitted)d of %(asked)d",
                            submitted=len(respondents.submitted),
                            asked=len(respondents.asked))])
    for result in compiled:
        summary.append([])
        summary.append([f"{result.number}. {result.question.text}"])
        summary.cell(summary.max_row, 1).font = Font(bold=True)
        summary.append([gettext("Answered by %(answered)d of %(submitted)d",
                                answered=result.answered, submitted=result.submitted)])
        if result.counted:
            summary.append([gettext("Alternative"), gettext("Answers"), gettext("Share")])
            for c in result.counts:
                summary.append([_safe(c.label), c.count, c.share])
                summary.cell(summary.max_row, 3).number_format = "0%"
        elif result.numbers is not None:
            n = result.numbers
            for label, value in ((gettext("Answers"), n.count), (gettext("Sum"), n.total),
                                 (gettext("Mean"), n.mean), (gettext("Median"), n.median),
                                 (gettext("Lowest"), n.low), (gettext("Highest"), n.high)):
                summary.append([label, value])
        else:
            for w in result.written:
                summary.append([_safe(w.who), _safe(w.text)])
                summary.cell(summary.max_row, 2).alignment = Alignment(wrap_text=True,
                                                                       vertical="top")
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 60
    return xlsx_bytes(book)


def as_xlsx(content: bytes, survey: Survey) -> Response:
    return xlsx_response(content, f"{file_stem(survey)}.xlsx")

