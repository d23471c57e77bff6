"""Hostile input against every route of the URL map, driven by Hypothesis.

For each route (found by walking ``app.url_map`` as tests/test_access.py does, on the same
real objects) and each kind of visitor — anonymous, a member, a region's contact for the
objects' region and for another region, the secretariat, an administrator — Hypothesis
draws URL arguments, query parameters and form posts from what an attacker or a broken
client sends: very long strings, empty ones, control characters and NUL, odd Unicode,
text for numbers, negative and huge numbers, impossible dates, markup, and the ids of
other people's objects. Forms start from what the route's own page offers, with some of
its fields replaced, so that the hostile values reach the services and not only the form
checks.

Every answer must be below 500 (a 4xx, or the normal page or redirect), and must hold
nothing the visitor may not see: no other account's secret token, no contact details of
someone else, no other region's proposal, no meeting link for a non-participant. A visitor
who is not of the secretariat changes nothing that is not theirs, and gains no role.

Runs are deterministic (derandomize, no example database) and modest: a few examples per
route and a fixed set of visitors, each example undone before the next."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import test_access
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_access import ONLINE_LINK, ROUTES, expected, isolated
from werkzeug.datastructures import MultiDict

from forum.accounts.models import Account
from forum.material.models import Document
from forum.meetings.models import Meeting
from forum.proposals import services as proposals
from forum.proposals.models import NominationProposal
from forum.roster.models import Nomination, Person, Region

# The access matrix's real objects for every URL argument (a fixture), kept up to date by
# every feature that adds a route.
objects = test_access.objects

ROLES = ("anonymous", "member", "contact_here", "contact_elsewhere", "secretariat", "admin")
STAFF = frozenset({"secretariat", "admin"})
EXAMPLES = 5  # per route; every route, every run

# What each marker is, and who may see it. The objects' person's contact details, the
# pending proposal of region 12 (contact_here's region) and of region 03 (no visitor's),
# and the online link of a meeting whose participants include the member.
PRIVATE_CONTACT = ("matris@example.se", "070-000 00 00")
MAY_SEE = {
    "matris@example.se": STAFF,
    "070-000 00 00": STAFF,
    "Kandidatsson": STAFF | {"contact_here"},
    "Främlingsson": STAFF,
    ONLINE_LINK: STAFF | {"member"},
}

# Fields a visitor might add to any form to give themselves more, or act as someone else.
PRIVILEGES = ["is_admin", "is_secretariat", "contact_region_id", "account_id", "person_id",
              "user_id", "role", "active", "email", "region_id", "by"]

ROOT = Path(__file__).resolve().parents[2]


# --- what hostile input looks like -------------------------------------------------------------

FIXED = [
    "", " ", "0", "-1", "1", "01", "2147483647", "2147483648", "-2147483649",
    "9223372036854775808", "99999999999999999999999999", "1e309", "NaN", "inf", "1.5",
    "0x1A", "٣", "１２", "+1", "1 ", " 1",
    "2026-02-30", "2026-13-01", "2026-00-10", "0000-00-00", "0001-01-01", "9999-12-31",
    "10000-01-01", "1900-02-29", "2026-2-3", "31/12/2026", "2026-11-24T10:00",
    "25:00", "23:60", "24:00", "-01:00", "10:00:00.5", "9:5",
    "on", "y", "true", "false", "None", "null", "undefined", "[]", "{}", "[object Object]",
    "' OR '1'='1", "1; DROP TABLE people; --", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "{{7*7}}", "{% raw %}", "%s%s%s%n", "%(name)s",
    "../../../../etc/passwd", "..\\..\\boot.ini", "javascript:alert(1)", "http://", "//evil.example/",
    "https://evil.example/\r\nSet-Cookie: x=1", "mailto:", "a@b", "@", "a" * 255 + "@example.se",
    "\u202egnp.exe", "\u200b", "\ufeff", "e\u0301\u0301\u0301", "🏛️🇸🇪", "\U0010ffff", "ǅ",
    "ﬃ", "İ", "ß", "\r\n", "\t", "\x1b[31m", "\x7f", "\x00", "a\x00b", "\x01\x02\x03",
    "\u0085", "\u2028", "ÅÄÖ åäö",
]
CONTROL = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]),
                  min_size=1, max_size=20)
LONG = st.builds(lambda piece, times: piece * times,
                 st.sampled_from(["a", "å", "🏛", "'", "<", "\x00", "1", " ", "-"]),
                 st.sampled_from([61, 201, 301, 501, 2_001, 20_001]))
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)


def values(ids: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(FIXED),
        st.text(max_size=40),
        CONTROL,
        LONG,
        NUMBERS,
        st.sampled_from([str(i) for i in ids]),  # other people's objects
    )


def file_values() -> st.SearchStrategy:
    names = st.one_of(
        st.sampled_from(["beslut.pdf", "../../etc/passwd", "a\x00.pdf", "x" * 300 + ".pdf",
                         ".htaccess", "bild.svg", "dokument.docx", "tom", "", "😀.odt",
                         "CON.txt", "a/b\\c.pptx"]),
        st.text(max_size=30),
    )
    content = st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"PK\x03\x04" + b"\x00" * 40,
                         b"<svg onload=alert(1)/>", b"%PDF-1.7\n" + b"A" * 5000]),
    )
    return st.tuples(content, names)


# --- the app's input vocabulary -----------------------------------------------------------------

QUERY_NAMES = re.compile(r"request\.(?:args|values)(?:\.(?:get|getlist)\(\s*|\[)\"(\w+)\"")


def query_vocabulary() -> list[str]:
    names = set()
    for path in (ROOT / "forum").rglob("*.py"):
        names.update(QUERY_NAMES.findall(path.read_text()))
    return sorted(names)


class Forms(HTMLParser):
    """The forms of a page: method, action, fields (name → values as sent), file fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._chosen: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(),
                               "action": a.get("action") or "", "fields": MultiDict(),
                               "names": set(), "files": set()})
            return
        if not self.forms or not a.get("name") and tag != "option":
            return
        form = self.forms[-1]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            form["names"].add(a["name"])
            if kind == "file":
                form["files"].add(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].add(a["name"], a.get("value") or "on")
            elif kind not in ("submit", "button", "image", "reset"):
                form["fields"].add(a["name"], a.get("value") or "")
        elif tag == "select":
            form["names"].add(a["name"])
            self._select, self._chosen, self._first = a["name"], None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._chosen = value
        elif tag == "textarea":
            form["names"].add(a["name"])
            self._textarea = a["name"]
            form["fields"].add(a["name"], "")
        elif tag == "button":
            form["names"].add(a["name"])

    def handle_data(self, data):
        if self._textarea and self.forms:
            fields = self.forms[-1]["fields"]
            fields.setlist(self._textarea, [fields.getlist(self._textarea)[-1] + data])

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            chosen = self._chosen if self._chosen is not None else self._first
            if chosen is not None:
                self.forms[-1]["fields"].add(self._select, chosen)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


# --- building requests --------------------------------------------------------------------------

ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def path_for(rule: str, values_: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda m: quote(str(values_[m.group(2)]), safe=""), rule)


def real_argument(objects: dict, endpoint: str, name: str):
    value = objects.get(name)
    return value.get(endpoint) if isinstance(value, dict) else value


def argument_strategy(objects: dict, endpoint: str, name: str, converter: str | None,
                      ids: list[int], others: dict) -> st.SearchStrategy:
    """Mostly the real object, so that the rest of the request reaches the view; else
    another object, or a value no object has."""
    real = real_argument(objects, endpoint, name)
    if converter == "int":
        elsewhere = st.one_of(st.sampled_from(ids),
                              st.sampled_from([0, 2**31 - 1, 2**31, 2**63, 10**30]))
    else:
        elsewhere = st.one_of(st.sampled_from(others.get(name) or [real]), values(ids))
    return st.sampled_from([True, True, True, False]).flatmap(
        lambda keep: st.just(real) if keep else elsewhere)


def secrets_in(objects: dict) -> list[str]:
    return [token for token in objects["token"].values()]


def snapshot(session, objects: dict, cast: dict) -> dict:
    """What a visitor outside the secretariat must not be able to change."""
    session.expire_all()
    person = session.get(Person, objects["person_id"])
    invited = session.get(Account, objects["account_id"])
    return {
        "person": (person.given_name, person.family_name, person.email, person.phone,
                   person.note),
        "account": (invited.email, invited.is_admin, invited.is_secretariat,
                    invited.is_active, invited.password_hash, invited.session_version),
        # Those that were there: a region's contact may propose new ones.
        "proposals": [(p.id, p.status, p.person_id) for p in session.scalars(
            select(NominationProposal).where(NominationProposal.id.in_(cast["proposal_ids"]))
            .order_by(NominationProposal.id))],
        "nomination": session.get(Nomination, objects["nomination_id"]).end_date,
        "meeting": tuple(getattr(session.get(Meeting, objects["meeting_id"]), f)
                         for f in ("title", "start_at", "status", "revision", "online_url")),
        "document": tuple(getattr(session.get(Document, objects["document_id"]), f)
                          for f in ("title", "visibility")),
        "visitors": [(a.id, a.is_admin, a.is_secretariat, a.contact_region_id, a.is_active)
                     for a in session.scalars(select(Account).where(
                         Account.id.in_(cast["visitor_ids"])).order_by(Account.id))],
    }


# --- the visitors and what else they must not see -----------------------------------------------


@pytest.fixture
def cast(app, session, objects, make_account, make_nomination, login):
    """The visitors (accounts made once; each example gets a fresh client), another
    region's pending proposal, and the pools of real ids and values to draw from."""
    accounts = {}
    member = make_account("member")
    make_nomination(member.person, region_code="01", start=date(2023, 1, 1))
    accounts["member"] = member
    accounts["contact_here"] = make_account("region_contact", region_code="12")
    accounts["contact_elsewhere"] = make_account("region_contact", region_code="01")
    accounts["secretariat"] = make_account("secretariat")
    accounts["admin"] = make_account("admin")
    # Region 03's proposal: no visitor's region.
    proposer = make_account("region_contact", region_code="03")
    region_03 = session.scalar(select(Region).where(Region.code == "03"))
    with app.test_request_context():
        foreign = proposals.propose(
            session, by=proposer, region=region_03, seat=session.get(
                Nomination, objects["nomination_id"]).seat, person=None,
            new_person={"given_name": "Främmande", "family_name": "Främlingsson"},
            party="KD", start_date=date(2031, 1, 1), decision_reference="RS 2026-10-01 § 7",
            decision_file=None)
    session.commit()
    ids = sorted({v for k, v in objects.items() if isinstance(v, int)}
                 | {a.id for a in accounts.values()} | {a.person_id for a in accounts.values()}
                 | {proposer.id, proposer.person_id})

    def client(role: str):
        made = app.test_client()
        return made if role == "anonymous" else login(made, accounts[role])

    others = {"code": ["01", "03", "25", "00", "99"], "slug": ["tjanstepersonsforum", "x"],
              "section": ["people", "meetings", "documents", "nope"],
              "token": ["x" * 43, "0"]}
    return {"client": client, "accounts": accounts, "ids": ids, "others": others,
            "visitor_ids": [a.id for a in accounts.values()],
            "proposal_ids": [objects["proposal_id"], foreign.id]}


def allowed_roles(declared: str, arguments: frozenset) -> list[str]:
    return [r for r in ROLES if expected(declared, arguments, r) == "ok"]


def page_forms(app, cast, url: str) -> list[dict]:
    response = cast["client"]("admin").get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    return forms_of(response.get_data(as_text=True))


def check(response, role: str, sent: str, secrets: list[str], where: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {role}: {where}"
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    # Binary answers too (a CSV in another encoding, a zip): a marker in plain bytes shows.
    body = response.get_data().decode("utf-8", "replace")
    shown = headers + "\n" + body
    assert "Traceback (most recent call last)" not in shown, where
    for secret in secrets:
        if secret not in sent:
            assert secret not in shown, f"another account's token shown to {role}: {where}"
    for marker, roles in MAY_SEE.items():
        if role not in roles and marker not in sent:
            assert marker not in shown, f"{marker!r} shown to {role}: {where}"


# --- the walk -----------------------------------------------------------------------------------


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


def routes(method: str):
    return [pytest.param(endpoint, path, declared, arguments, id=f"{method} {path}")
            for endpoint, path, m, declared, arguments in ROUTES if m == method]


def converters(path: str) -> dict[str, str | None]:
    return {m.group(2): m.group(1) for m in ARGUMENT.finditer(path)}


# Field names for a POST route whose form is on another page (the meeting page's agenda
# form, the buttons that publish or close): the names the app's forms use most.
COMMON_FIELDS = ["person_id", "seat_id", "start_date", "end_date", "party", "title", "email",
                 "name", "reason", "status", "action", "direction", "body", "text", "answer",
                 "question_id", "position", "note", "language", "day", "start_time",
                 "end_time", "meeting_id", "kind", "visibility", "presenter", "starts_at"]


def _attempts(app, session, objects, cast, method: str, route: tuple, secrets: list[str],
              query_names: list[str], tried: list[str]):
    """The Hypothesis test of one route and method."""
    endpoint, path, declared, arguments = route
    kinds = converters(path)
    real_url = path_for(path, {n: real_argument(objects, endpoint, n) for n in kinds})
    has_page = any(e == endpoint and m == "GET" for e, _p, m, *_ in ROUTES)
    forms = page_forms(app, cast, real_url) if has_page else []
    own = [f for f in forms if f["method"] == "post" and f["action"] in ("", real_url)]
    baseline = own[0]["fields"] if own and method == "POST" else MultiDict()
    field_names = sorted(set().union(*(f["names"] for f in own)) - {"csrf_token"}) \
        or COMMON_FIELDS
    file_names = sorted(set().union(*(f["files"] for f in own)))
    gets = sorted(set(query_names).union(*(f["names"] for f in forms if f["method"] == "get")))
    allowed = allowed_roles(declared, arguments)
    ids = cast["ids"]

    @HYPOTHESIS
    @given(
        role=st.sampled_from(allowed * 3 + list(ROLES)),
        args=st.fixed_dictionaries({
            name: argument_strategy(objects, endpoint, name, kind, ids, cast["others"])
            for name, kind in kinds.items()}),
        params=st.dictionaries(st.sampled_from(gets) | st.text(max_size=10),
                               st.lists(values(ids), min_size=1, max_size=2), max_size=3),
        fields=st.dictionaries(st.sampled_from(field_names + PRIVILEGES) | st.text(max_size=10),
                               st.lists(values(ids), min_size=0, max_size=2),
                               min_size=1, max_size=4),
        uploads=st.dictionaries(st.sampled_from(file_names), file_values(), max_size=1)
        if file_names and method == "POST" else st.just({}),
    )
    def attempt(role, args, params, fields, uploads):
        tried.append(path)
        url = path_for(path, args)
        query = MultiDict([(k, v) for k, vs in params.items() for v in vs])
        data = MultiDict(baseline)
        for name, given_values in fields.items():
            data.setlist(name, given_values)
        sent = repr((url, params, data, [n for _c, n in uploads.values()]))
        where = f"{method} {url} params={params!r} data={dict(data.lists())!r}"
        with isolated(app, session):
            before = snapshot(session, objects, cast) if role not in STAFF else None
            client = cast["client"](role)
            if method == "GET":
                response = client.get(url, query_string=query)
            else:
                for name, (content, filename) in uploads.items():
                    data.add(name, (io.BytesIO(content), filename))
                response = client.post(url, data=data, query_string=query)
            check(response, role, sent, secrets, where)
            if before is not None:
                assert snapshot(session, objects, cast) == before, \
                    f"{role} changed what is not theirs: {where}"

    return attempt


def _walk(app, session, objects, cast, subtests, method: str) -> list[str]:
    secrets = secrets_in(objects)
    query_names = query_vocabulary()
    tried: list[str] = []
    for route in [p.values for p in routes(method)]:
        attempt = _attempts(app, session, objects, cast, method, route, secrets, query_names,
                            tried)
        with subtests.test(route=f"{method} {route[1]}"):
            attempt()
    return tried


def test_hostile_query_strings_and_url_arguments_on_every_route(app, session, objects, cast,
                                                                subtests):
    tried = _walk(app, session, objects, cast, subtests, "GET")
    assert set(tried) == {p.values[1] for p in routes("GET")}


def test_hostile_form_posts_on_every_route(app, session, objects, cast, subtests):
    tried = _walk(app, session, objects, cast, subtests, "POST")
    assert set(tried) == {p.values[1] for p in routes("POST")}
