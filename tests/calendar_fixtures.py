"""An independent reader for our iCalendar feeds and files: Mozilla's ical.js (the parser
inside Thunderbird) under Node, through tests/js/parse_ics.mjs. A pytest plugin, listed in
`pytest_plugins` in tests/conftest.py.

    def test_a_feed(client, ical_js):
        feed = ical_js.parse(client.get(url_of_the_feed).data)
        assert feed["events"][0]["start"]["utc"] == "2026-11-24T12:00:00Z"

`ical_js.parse(ics)` returns what ical.js understood (see parse_ics.mjs for the shape);
`ical_js.convert(ics, tzid, ["2026-03-29T02:30:00", ...])` the UTC moments ("…Z") that the
VTIMEZONE with that TZID in `ics` gives those wall-clock times. Both raise `IcalJsError`
when ical.js refuses the text, or one of the few checks parse_ics.mjs adds where ical.js
lets things pass (BEGIN and END out of order, impossible dates, text not in UTF-8). Times are converted with the VTIMEZONE in the text only:
ical.js has no zone data of its own, and a TZID the text does not define stays floating
(its `utc` is None).

`make test` installs ical.js (npm ci in tests/js). Without Node or ical.js the tests that
use the fixture are skipped, and in CI (`CI=true`) they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parent / "js"
SCRIPT = JS_DIR / "parse_ics.mjs"
ICAL_JS = JS_DIR / "node_modules" / "ical.js" / "package.json"
TIMEOUT = 30  # seconds; a parse takes a tenth of a second
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class IcalJsError(AssertionError):
    """ical.js refused the text: the message is its error. An AssertionError, so that a
    feed it cannot read fails the test that produced it rather than erroring it."""


class IcalJs:
    Error = IcalJsError

    def __init__(self, node: str) -> None:
        self.node = node

    def parse(self, ics: bytes | str) -> dict:
        """What ical.js reads in an iCalendar text: {"calendar": {...}, "events": [...]}."""
        return self._run(ics, [])

    def convert(self, ics: bytes | str, tzid: str, locals: list[str]) -> list[str]:
        """The UTC moments ("YYYY-MM-DDTHH:MM:SSZ") of wall-clock times
        ("YYYY-MM-DDTHH:MM:SS") in the zone that the VTIMEZONE `tzid` in `ics` defines."""
        return self._run(ics, ["--convert", tzid, *locals])

    def _run(self, ics: bytes | str, arguments: list[str]):
        data = ics.encode("utf-8") if isinstance(ics, str) else bytes(ics)
        result = subprocess.run(
            [self.node, str(SCRIPT), *arguments],
            input=data,
            capture_output=True,
            timeout=TIMEOUT,
            cwd=JS_DIR,
            check=False,
        )
        stderr = result.stderr.decode("utf-8", "replace").strip()
        if result.returncode == 2:
            raise IcalJsError(f"ical.js refused the calendar: {stderr}")
        if result.returncode != 0:
            raise RuntimeError(f"{SCRIPT.name} exited with {result.returncode}: {stderr}")
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def ical_js() -> IcalJs:
    """Mozilla's ical.js under Node: .parse(ics) and .convert(ics, tzid, locals)."""
    node = shutil.which("node")
    if node is None:
        message = (
            "Node is missing: install Debian's nodejs and npm (apt-get install nodejs npm) "
            "and run `make test`, which installs ical.js in tests/js"
        )
    elif not ICAL_JS.exists():
        message = (
            "ical.js is not installed in tests/js/node_modules: run `make test`, which installs it"
        )
    else:
        return IcalJs(node)
    if IN_CI:
        pytest.fail(message + "; in CI a missing Node or ical.js is a failure")
    pytest.skip(message)
