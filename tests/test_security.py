"""Security over HTTP: headers, the session cookie, CSRF, error pages without internals,
escaping, and a configuration that refuses to run production unsafely."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.access import PUBLIC, access
from forum.roster import queries
from forum.roster.models import Nomination, Organisation, Person
from page_helpers import lang_of


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def to_english(client) -> None:
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302


def assert_real_error_page(response, code: int, lang: str = "sv") -> str:
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert lang_of(response) == lang
    text = response.get_data(as_text=True)
    # The layout: header, navigation, footer with the accessibility statement.
    assert 'class="site-header"' in text and 'class="main-nav"' in text
    assert 'href="/accessibility"' in text
    assert '<article class="error-page">' in text
    assert str(code) in text
    for internal in ("Traceback", 'File "', "werkzeug", "sqlalchemy", "Exception"):
        assert internal not in text
    return text


# --- headers --------------------------------------------------------------------------------


@pytest.fixture
def responses(client, make_person):
    person = make_person()
    return {
        "start": client.get("/"),
        "region": client.get("/regions/12"),
        "person": client.get(f"/people/{person.id}"),
        "form": client.get("/people/new"),
        "not found": client.get("/no-such-page"),
        "not allowed": client.post("/regions"),
        "redirect": client.post("/language", data={"lang": "en", "next": "/"}),
        "static": client.get("/static/css/forum.css"),
    }


def test_security_headers_on_every_kind_of_response(responses):
    for name, response in responses.items():
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert csp, name
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
        )
        assert directives["default-src"] == ["'self'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        assert "'self'" in directives["script-src"] and "'self'" in directives["style-src"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("X-Frame-Options") == "DENY", name
        assert headers.get("Referrer-Policy") in {
            "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"
        }, name


def test_pages_need_no_inline_script_or_style(responses):
    """The CSP forbids inline code, so the pages must not depend on any."""
    for name, response in responses.items():
        if response.mimetype != "text/html":
            continue
        text = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), name
        assert "<style" not in text, name
        assert not re.search(r"\sstyle=", text), name
        assert not re.search(r"\son[a-z]+=", text), name  # onclick= and friends


def test_strict_transport_security_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


# --- session cookie -------------------------------------------------------------------------


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite_lax(client):
    cookie = session_cookie(client.post("/language", data={"lang": "en", "next": "/"}))
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert attributes["samesite"] == "SameSite=Lax"
    assert "secure" not in attributes  # development over plain http


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}], ids=["secure"])
def test_session_cookie_is_secure_when_configured(client, app_config):
    cookie = session_cookie(client.post("/language", data={"lang": "en", "next": "/"},
                                        base_url="https://localhost"))
    assert "Secure" in cookie and "HttpOnly" in cookie


# --- CSRF -----------------------------------------------------------------------------------


def csrf_token(html: str, field_id: str = "csrf_token") -> str:
    found = re.search(rf'<input id="{field_id}" name="csrf_token" type="hidden" value="([^"]+)"',
                      html)
    assert found, f"no CSRF token with id {field_id}"
    return found.group(1)


PERSON = {"given_name": "Cecilia", "family_name": "Csrfsson", "email": "c@example.se"}


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_post_without_token_is_refused_and_saves_nothing(client, session, app_config):
    before = count(session, Person)
    response = client.post("/people/new", data=PERSON)
    assert_real_error_page(response, 400)
    assert count(session, Person) == before


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_post_with_the_token_from_the_form_works(staff_client, session, app_config):
    form = staff_client.get("/people/new")
    token = csrf_token(form.get_data(as_text=True))
    before = count(session, Person)
    response = staff_client.post("/people/new", data={**PERSON, "csrf_token": token})
    assert response.status_code == 302
    assert count(session, Person) == before + 1


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_a_token_from_another_session_or_a_forged_one_is_refused(app, staff_client, session, app_config):
    token = csrf_token(staff_client.get("/people/new").get_data(as_text=True))
    other = app.test_client()
    before = count(session, Person)
    assert other.post("/people/new", data={**PERSON, "csrf_token": token}).status_code == 400
    assert staff_client.post("/people/new", data={**PERSON, "csrf_token": token[:-4] + "AAAA"}
                       ).status_code == 400
    assert count(session, Person) == before


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_nominating_without_token_is_refused(client, session, seat, make_person, app_config):
    person = make_person()
    before = count(session, Nomination)
    response = client.post("/regions/12/nominate", data={
        "seat_id": str(seat().id), "person_id": str(person.id), "party": "S",
        "start_date": "2024-01-01",
    })
    assert response.status_code == 400
    assert count(session, Nomination) == before


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_language_switch_needs_the_token_from_the_page(client, app_config):
    refused = client.post("/language", data={"lang": "en", "next": "/"})
    assert refused.status_code == 400
    assert lang_of(client.get("/")) == "sv"
    token = csrf_token(client.get("/regions").get_data(as_text=True), "language-csrf")
    response = client.post("/language", data={"lang": "en", "next": "/regions",
                                              "csrf_token": token})
    assert response.status_code == 302
    assert lang_of(client.get("/")) == "en"


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_400_page_in_english(client, app_config):
    token = csrf_token(client.get("/").get_data(as_text=True), "language-csrf")
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    text = assert_real_error_page(client.post("/people/new", data=PERSON), 400, "en")
    assert "request" in text.split("<h1>", 1)[1].split("</h1>", 1)[0]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
def test_get_forms_need_no_token(staff_client, app_config):
    assert staff_client.get("/regions?on=2024-01-01").status_code == 200
    response = staff_client.get("/roster/export?on=2024-01-01&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"


# --- error pages ----------------------------------------------------------------------------


def test_404_page(client):
    assert_real_error_page(client.get("/no/such/page"), 404)


def test_404_page_in_english(client):
    to_english(client)
    text = assert_real_error_page(client.get("/no/such/page"), 404, "en")
    assert "not found" in text.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_405_page(client):
    response = client.post("/regions")
    assert_real_error_page(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_real_error_page(client.get("/language"), 405)


def test_405_page_in_english(client):
    to_english(client)
    text = assert_real_error_page(client.post("/regions/12"), 405, "en")
    assert "cannot" in text.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_403_page_in_english(client, login, make_account):
    login(client, make_account("member"))
    to_english(client)
    text = assert_real_error_page(client.get("/people"), 403, "en")
    assert "access" in text.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_413_page_for_an_oversized_request(client, session):
    before = count(session, Person)
    response = client.post("/people/new", data={**PERSON, "note": "x" * (3 * 1024 * 1024)})
    assert_real_error_page(response, 413)
    assert count(session, Person) == before


@pytest.fixture
def failing_app(app):
    """The app with a route that fails the way a bug would, in production mode."""

    @access(PUBLIC)
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/boom", "boom", boom)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    return app


def test_500_page(failing_app):
    response = failing_app.test_client().get("/boom")
    text = assert_real_error_page(response, 500)
    assert "hunter2" not in text and "RuntimeError" not in text
    # Security headers on the error too.
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_500_page_in_english(failing_app):
    client = failing_app.test_client()
    to_english(client)
    text = assert_real_error_page(client.get("/boom"), 500, "en")
    assert "went wrong" in text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "hunter2" not in text


def test_500_from_a_failing_query_on_a_real_page(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("internal detail")

    monkeypatch.setattr(queries, "regions_overview", broken)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    to_english(client)
    text = assert_real_error_page(client.get("/regions"), 500, "en")
    assert "went wrong" in text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "internal detail" not in text
    # The rest of the site is unaffected.
    assert client.get("/").status_code == 200


# --- escaping -------------------------------------------------------------------------------


def test_names_are_escaped(staff_client, make_person, make_nomination):
    person = make_person("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")
    make_nomination(person, region_code="12", party="<b>S</b>")
    for url in (f"/people/{person.id}", "/regions", "/regions/12", "/people"):
        text = staff_client.get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url
        assert "<script>alert(1)" not in text, url
        assert "<img src=x" not in text, url
        assert "<b>S</b>" not in text, url


def test_query_string_is_escaped_in_the_language_form(client):
    response = client.get('/regions?on="><script>alert(1)</script>')
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text or "%3Cscript%3E" in text


# --- configuration --------------------------------------------------------------------------


def test_production_without_secret_key_refuses_to_start():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"FORUM_ENV": "production", "DATABASE_URL": "sqlite://"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"FORUM_ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": ""})


def test_the_default_environment_is_production():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_with_a_secret_key_starts_closed(database):
    app = create_app({"FORUM_ENV": "production", "DATABASE_URL": database,
                      "SECRET_KEY": "a-long-random-value"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    client = app.test_client()
    for url in ("/people", "/roster/export", "/secretariat", "/admin/accounts"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/").status_code == 200
    app.extensions["forum.db"]["engine"].dispose()


def test_development_gets_a_key_of_its_own():
    app = create_app({"FORUM_ENV": "development", "DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"]


# --- malformed input that would reach the database ------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/people/99999999999999999999",  # beyond any integer column
        "/people/2147483648",  # beyond PostgreSQL's integer
        "/people/0",
        "/people/-1",
        "/people/99999999999999999999/edit",
        "/organisations/99999999999999999999/edit",
        "/nominations/99999999999999999999/end",
        "/nominations/9223372036854775808/replace",
    ],
)
def test_absurd_ids_are_missing_pages_not_errors(client, url):
    assert_real_error_page(client.get(url), 404)


@pytest.mark.parametrize(
    "url", ["/regions/1%002", "/regions?on=2024%00", "/people?q=a%00b", "/roster/export?on=%00"]
)
def test_nul_bytes_in_the_address_are_refused(client, url):
    assert_real_error_page(client.get(url), 400)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/people/new", {"given_name": "Nul\x00", "family_name": "Byte"}),
        ("/organisations/new", {"name": "Nul\x00verket", "kind": "agency"}),
        ("/people/new", {"given_name": "Nul", "family_name": "Byte", "note\x00": "x"}),
    ],
    ids=["person", "organisation", "field-name"],
)
def test_nul_bytes_in_a_form_are_refused_and_nothing_saved(client, session, url, data):
    people, organisations = count(session, Person), count(session, Organisation)
    assert_real_error_page(client.post(url, data=data), 400)
    assert count(session, Person) == people
    assert count(session, Organisation) == organisations
