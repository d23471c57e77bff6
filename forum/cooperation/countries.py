"""Countries by ISO 3166-1 alpha-2 code, named in the reader's language from CLDR (Babel)."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

from forum.i18n import language

# CLDR territories that are not countries: unions, test locales, "unknown".
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
# Swedish puts å, ä and ö after z (and æ, ø with ä, ö); other accents sort as their letter.
SWEDISH_LAST = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}


@cache
def names(lang: str) -> dict[str, str]:
    territories = Locale.parse(lang).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def is_country(code: str | None) -> bool:
    return bool(code) and code in names("en")


def name(code: str | None, lang: str | None = None) -> str:
    if not code:
        return ""
    return names(lang or language()).get(code, code)


def sort_key(text: str, lang: str | None = None) -> str:
    """A key that orders names as a reader of the language expects (Åland after Zambia in
    Swedish, among the A's in English)."""
    swedish = (lang or language()) == "sv"
    key = []
    for char in text.casefold():
        if swedish and char in SWEDISH_LAST:
            key.append(SWEDISH_LAST[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        key.append(base)
    return "".join(key)


def choices(lang: str | None = None) -> list[tuple[str, str]]:
    """Every country as (code, name), in the reader's alphabetical order."""
    lang = lang or language()
    return sorted(names(lang).items(), key=lambda pair: sort_key(pair[1], lang))
