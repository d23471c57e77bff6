"""Structured logs: one JSON object per line on stderr, an access line per request with the
id the response carries, errors with their traceback and context (never on the page), and
no secrets from token addresses."""

from __future__ import annotations

import json
import logging
import re

import pytest

from forum.access import PUBLIC, access
from forum.accounts import tokens
from forum.accounts.models import TokenPurpose
from forum.calendars import feeds
from forum.config import from_environment


@pytest.fixture
def app_config():
    return {"LOG_FORMAT": "json"}


def records(capsys) -> list[dict]:
    """Every line written to stderr since the last call, each parsed as JSON."""
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a log line that is not one JSON object: {line!r}")
    return parsed


def access_lines(found: list[dict]) -> list[dict]:
    return [r for r in found if r["logger"] == "forum.access"]


def test_each_request_gets_one_json_access_line_with_the_id_the_response_carries(
    client, capsys
):
    capsys.readouterr()
    response = client.get("/regions?on=2024-06-01")
    found = records(capsys)
    [line] = access_lines(found)
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["level"] == "INFO" and line["message"] == "GET /regions 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/regions", 200)
    assert line["endpoint"] == "roster.regions"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["remote_addr"] == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert "user_id" not in line  # nobody signed in
    assert "2024-06-01" not in json.dumps(found)  # the query string is never logged
    # Another request, another id.
    assert client.get("/regions").headers["X-Request-ID"] != line["request_id"]


def test_the_access_line_names_the_account_by_id_not_by_address(app, make_account, login,
                                                               capsys):
    account = make_account("member", email="anna.loggad@example.se")
    client = login(app.test_client(), account)
    capsys.readouterr()
    client.get("/profile")
    [line] = access_lines(records(capsys))
    assert line["user_id"] == account.id
    assert "anna.loggad@example.se" not in json.dumps(line)


def test_secrets_in_token_addresses_are_masked(app, session, make_account, client, capsys):
    account = make_account("member")
    invited = make_account("plain", password_hash=None)
    with app.test_request_context():
        calendar = feeds.issue_token(session, account)
        invitation = tokens.issue(session, invited, TokenPurpose.INVITATION)
        reset = tokens.issue(session, account, TokenPurpose.PASSWORD_RESET)
    session.commit()
    capsys.readouterr()
    assert client.get(f"/calendar/personal/{calendar}.ics?x=1").status_code == 200
    assert client.get(f"/invitation/{invitation}").status_code == 200
    assert client.get(f"/password/reset/{reset}").status_code == 200
    assert client.get("/invitation/no-such-token").status_code == 404
    found = records(capsys)
    assert [line["path"] for line in access_lines(found)] == [
        "/calendar/personal/***", "/invitation/***", "/password/reset/***", "/invitation/***"]
    text = json.dumps(found)
    for secret in (calendar, invitation, reset, "no-such-token"):
        assert secret not in text
    # Whatever logs such an address (the development server's request lines) is masked too.
    logging.getLogger("werkzeug").warning('"GET /invitation/%s HTTP/1.1" 200 -', invitation)
    [line] = records(capsys)
    assert line["message"] == '"GET /invitation/*** HTTP/1.1" 200 -'


def test_a_server_error_is_logged_with_its_traceback_and_the_page_shows_only_a_reference(
    app, capsys
):
    def broken():
        raise RuntimeError("the ledger is out of balance: konto 4711")

    app.add_url_rule("/test-broken", "test_broken", access(PUBLIC)(broken))
    client = app.test_client()
    client.post("/language", data={"lang": "en", "next": "/"})
    capsys.readouterr()
    response = client.get("/test-broken?secret=1")
    found = records(capsys)
    reference = response.headers["X-Request-ID"]

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert reference in page and "quote this reference" in page
    for leak in ("konto 4711", "RuntimeError", "Traceback", "out of balance"):
        assert leak not in page

    [error] = [r for r in found if r["level"] == "ERROR"]
    assert error["request_id"] == reference and error["logger"] == "forum"
    assert (error["method"], error["path"], error["endpoint"]) == ("GET", "/test-broken",
                                                                  "test_broken")
    assert error["error"] == "RuntimeError"
    assert error["traceback"].startswith("Traceback (most recent call last)")
    assert "konto 4711" in error["traceback"] and "in broken" in error["traceback"]
    [line] = access_lines(found)
    assert line["status"] == 500 and line["request_id"] == reference


def test_an_unreachable_database_is_logged_with_the_request_id(make_app, capsys):
    app = make_app("postgresql://forum:forum@127.0.0.1:1/nowhere", LOG_FORMAT="json")
    capsys.readouterr()
    response = app.test_client().get("/regions")
    assert response.status_code == 503
    found = records(capsys)
    problem = [r for r in found if r["level"] in ("WARNING", "ERROR")]
    assert problem and all(r["request_id"] == response.headers["X-Request-ID"] for r in problem)
    assert access_lines(found)[0]["status"] == 503


# --- the request id from a proxy ------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "incoming", "kept"),
    [
        (1, "4f9c2a1e8d7b4c3a9e0f1a2b3c4d5e6f", True),  # nginx's $request_id
        (1, "0b1e4c9a-3f5d-4e2a-9c7b-8d6e5f4a3b2c", True),  # a UUID
        (1, "short", False),
        (1, "<script>alert(1)</script>", False),
        (1, "a" * 65, False),
        (1, "ok-id-with space", False),
        (0, "4f9c2a1e8d7b4c3a9e0f1a2b3c4d5e6f", False),  # no trusted proxy: a client's wish
    ],
)
def test_an_incoming_request_id_is_taken_only_from_a_trusted_proxy_and_only_when_sane(
    make_app, database, capsys, proxies, incoming, kept
):
    app = make_app(database, LOG_FORMAT="json", TRUSTED_PROXIES=proxies)
    capsys.readouterr()
    response = app.test_client().get("/healthz", headers={"X-Request-ID": incoming})
    given = response.headers["X-Request-ID"]
    assert (given == incoming) is kept
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", given)
    [line] = access_lines(records(capsys))
    assert line["request_id"] == given


# --- configuration --------------------------------------------------------------------------


def test_text_logs_for_development(make_app, database, capsys):
    app = make_app(database, LOG_FORMAT="text")
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    err = capsys.readouterr().err
    line = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO forum\.access \[(\w+)\] GET /healthz 200$"
    found = re.search(line, err, re.MULTILINE)
    assert found and found.group(1) == response.headers["X-Request-ID"]


def test_production_logs_json_unless_told_otherwise(make_app, database, capsys):
    app = make_app(database, FORUM_ENV="production")
    capsys.readouterr()
    app.test_client().get("/healthz")
    assert access_lines(records(capsys))[0]["path"] == "/healthz"


def test_the_level_silences_access_lines(make_app, database, capsys):
    app = make_app(database, LOG_FORMAT="json", LOG_LEVEL="warning")
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    assert response.headers["X-Request-ID"]  # the id is still given
    assert records(capsys) == []


@pytest.mark.parametrize(("name", "value"), [("LOG_FORMAT", "xml"), ("LOG_LEVEL", "LOUD")])
def test_a_mistyped_setting_stops_the_app_at_start(make_app, database, name, value):
    with pytest.raises(RuntimeError, match=name):
        make_app(database, **{name: value})


def test_the_environment_sets_format_and_level():
    assert from_environment({"LOG_FORMAT": "json", "FORUM_LOG_LEVEL": "DEBUG"}) == {
        "LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}
