"""Languages: the Swedish catalogue is complete and consistent with the code, Swedish is the
default, English is one click away, and dates read the way each language writes them."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from forum.i18n import day, moment

ROOT = Path(__file__).resolve().parent.parent
SV_PO = ROOT / "forum" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
SV_MO = SV_PO.with_suffix(".mo")

# The same keywords as the Makefile's extract-messages target (on top of babel's defaults).
KEYWORDS = ["_l", "lazy_gettext", "ngettext:1,2", "pgettext:1c,2", "_lp:1c,2"]

# A printf-style placeholder: %(name)s, %(num)d, %s, or a literal %%.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _scan_directory(path: str) -> bool:
    # Underscore directories such as templates/_macros hold interface strings too, so only
    # hidden directories (.venv, .git) and caches are skipped, as `--ignore-dirs '.*
    # __pycache__ node_modules'` does for pybabel (its default also skips `_*`).
    name = os.path.basename(path)
    return not (name.startswith(".") or name in {"__pycache__", "node_modules"})


def extract() -> Catalog:
    """What `make extract-messages` collects: babel.cfg's mapping, the Makefile's keywords."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    keywords = parse_keywords(KEYWORDS)

    template = Catalog(project="Forum")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={**DEFAULT_KEYWORDS, **keywords},
        directory_filter=_scan_directory,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_sv() -> Catalog:
    with open(SV_PO, "rb") as po:
        return read_po(po, locale="sv")


def messages(catalog: Catalog):
    return [m for m in catalog if m.id]


def placeholders(text: str) -> Counter:
    return Counter(m.group(0) for m in PLACEHOLDER.finditer(text))


def forms(message) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs: one for a plain message, one per plural form otherwise."""
    if not message.pluralizable:
        return [(message.id, message.string)]
    singular, plural = message.id
    strings = list(message.string)
    return [(singular, strings[0])] + [(plural, s) for s in strings[1:]]


# --- the catalogue ------------------------------------------------------------------------


def test_swedish_catalogue_exists_with_swedish_plural_rules():
    assert SV_PO.exists(), "run: pybabel init -i messages.pot -d forum/translations -l sv"
    catalog = read_sv()
    assert str(catalog.locale) == "sv"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not catalog.fuzzy


def test_every_swedish_entry_is_translated_and_not_fuzzy():
    untranslated, fuzzy = [], []
    for message in messages(read_sv()):
        if message.fuzzy:
            fuzzy.append(message.id)
        translations = [string for _, string in forms(message)]
        expected = 2 if message.pluralizable else 1  # nplurals=2 in Swedish
        if len(translations) != expected or not all(s and s.strip() for s in translations):
            untranslated.append(message.id)
    assert not fuzzy, f"fuzzy entries in {SV_PO.name}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {SV_PO.name}: {untranslated}"


def test_every_string_in_the_code_is_in_the_swedish_catalogue():
    catalog = read_sv()
    template = extract()
    assert len(messages(template)) > 100, "extraction found suspiciously few strings"
    # A string with a context (pgettext) is a different entry from the same words without.
    missing = [m.id for m in messages(template) if catalog.get(m.id, context=m.context) is None]
    assert not missing, (
        "strings in the code that the Swedish catalogue lacks; run `make update-messages`, "
        f"translate them in {SV_PO.relative_to(ROOT)}, then `make translations`: {missing}"
    )
    # A string that became plural (or stopped being plural) needs retranslating too.
    changed = [
        m.id for m in messages(template)
        if m.pluralizable != catalog.get(m.id, context=m.context).pluralizable
    ]
    assert not changed, f"plural forms changed in the code: {changed}"


def test_placeholders_in_each_translation_match_its_msgid():
    wrong = []
    for message in messages(read_sv()):
        for source, translation in forms(message):
            # Formatting is done with %, so whole tokens must match, conversion type included.
            if placeholders(source) != placeholders(translation):
                wrong.append((source, translation))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def _key(value):
    # read_mo gives plural ids and strings as lists, read_po as tuples.
    return value if isinstance(value, str) else tuple(value)


def test_compiled_catalogue_matches_the_po_file():
    """The app reads the .mo; `make translations` (part of `make test`) compiles it."""
    assert SV_MO.exists(), f"{SV_MO.relative_to(ROOT)} is missing: run `make translations`"
    with open(SV_MO, "rb") as mo:
        compiled = read_mo(mo)
    # Entries with a context (pgettext) are told apart by it.
    compiled_strings = {(m.context, _key(m.id)): _key(m.string) for m in compiled if m.id}
    stale = [
        m.id
        for m in messages(read_sv())
        if compiled_strings.get((m.context, _key(m.id))) != _key(m.string)
    ]
    assert not stale, f"{SV_MO.name} is out of date: run `make translations` ({stale[:5]}…)"


# --- the language a visitor gets ----------------------------------------------------------


def test_start_page_is_swedish_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Forum för hållbar regional utveckling" in html
    assert "Hoppa till huvudinnehållet" in html
    assert "Skip to main content" not in html


def test_switching_to_english_shows_english_and_back(client):
    switched = client.post("/language", data={"lang": "en", "next": "/accessibility"})
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith("/accessibility")

    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Forum for sustainable regional development" in html
    assert "Skip to main content" in html
    assert "Hoppa till huvudinnehållet" not in html
    assert "Accessibility statement" in client.get("/accessibility").get_data(as_text=True)

    client.post("/language", data={"lang": "sv", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Tillgänglighetsredogörelse" in html


def test_an_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "xx", "next": "/"})
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)


def test_dates_in_swedish_and_english(ctx):
    # 12:00 UTC is 13:00 in Stockholm in November (CET, UTC+1).
    when = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert day(date(2026, 11, 24)) == "24 november 2026"
    assert moment(when) == "24 november 2026, kl. 13.00"
    with force_locale("en"):
        assert day(date(2026, 11, 24)) == "24 November 2026"
        assert moment(when) == "24 November 2026, 13:00"


def test_summer_time_is_shown_in_stockholm_time(ctx):
    # In June Stockholm is UTC+2 (CEST).
    assert moment(datetime(2026, 6, 15, 7, 30, tzinfo=UTC)) == "15 juni 2026, kl. 09.30"


@pytest.mark.parametrize("path", ["/", "/accessibility", "/regions", "/organisations"])
def test_swedish_pages_show_no_english_interface_strings(client, path):
    """Every interface string on these pages comes out Swedish: none is left as its msgid
    (except those that read the same in both languages, such as Region or Status)."""
    html = client.get(path).get_data(as_text=True)
    catalog = read_sv()
    leftovers = [
        m.id
        for m in messages(catalog)
        if not m.pluralizable
        and m.id != m.string
        and len(m.id) > 12
        and "%(" not in m.id
        and f">{m.id}<" in html
    ]
    assert not leftovers, f"English strings on the Swedish {path}: {leftovers}"
