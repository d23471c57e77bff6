"""Reading rendered pages in tests: their text, a part of it, a table row, the language."""

from __future__ import annotations

import html
import re


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def between(text: str, start: str, end: str | None = None) -> str:
    """The part of a page from a marker to the next marker (or the end)."""
    assert start in text, start
    rest = text.split(start, 1)[1]
    return rest.split(end, 1)[0] if end and end in rest else rest


def row_with(text: str, needle: str) -> str:
    rows = [r for r in re.split(r"<tr\b", text) if needle in r]
    assert rows, f"no table row with {needle!r}"
    return rows[0].split("</tr>", 1)[0]


def lang_of(response) -> str:
    found = re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True))
    assert found, "no <html lang>"
    return found.group(1)
