"""Meeting material in headless Chromium on the demo forum: the secretariat uploads a document
to an upcoming meeting through the form, uploads a new version and distributes the material;
a member who takes part downloads it from the meeting page and finds it by a Swedish word in
another form; an anonymous visitor never learns a participants-only title; the dashboard
warns of the demo meeting whose material is due. (axe-core and reflow for the material
pages: PAGES in test_browse.py.)

The Swedish catalogue has no translations for the material's strings yet, so the pages are
checked by their structure (ids, hrefs, the meeting page's #material section), by the
documents' own Swedish titles and by what the database holds; not by the interface's words.

Named *_browser so as not to clash with the tests in tests/material/."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from test_browse import axe_violations, describe, submit

from forum.db import db
from forum.mail_models import OutboxMessage
from forum.material import distribution
from forum.material.models import Distribution, Document, DocumentVersion, Visibility
from forum.meetings.models import Meeting, MeetingStatus
from forum.roster.models import Body
from forum.strategy.models import Theme
from forum.timeutil import today, utcnow

pytestmark = pytest.mark.e2e

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "Underlag: tågförbindelser över länsgränserna"
DOCX_NAME = "Underlag tågförbindelser.docx"
PDF_NAME = "Underlag tågförbindelser, reviderat.pdf"


def docx_file(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_file(paragraphs: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)  # the core fonts have å, ä and ö (Latin-1)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 7, paragraph)
        pdf.ln(3)
    return bytes(pdf.output())


FIRST = [
    ("Regionerna i södra Sverige vill att tågförbindelserna över länsgränserna byggs ut, så "
     "att fler kan pendla till arbete och studier i grannlänet."),
]
REVISED = FIRST + [
    ("Reviderat efter tjänstepersonsforum: gränspendlingen mellan Skåne och Blekinge har ökat "
     "och kräver fler avgångar morgon och kväll."),
]


def _due_meeting_ids(live_server) -> set[int]:
    with live_server.app.app_context():
        return {d.meeting.id for d in distribution.due(db.session, today())}


def _upcoming_politicians_meeting(live_server) -> int:
    """The next politicians' meeting of the demo that the dashboard is not warning about:
    the demo member (Åsa Andersson, Region Skåne) takes part in it."""
    warned = _due_meeting_ids(live_server)
    with live_server.app.app_context():
        meetings = db.session.scalars(
            select(Meeting).join(Body, Body.id == Meeting.body_id)
            .where(Body.slug == "politikerforum", Meeting.start_at > utcnow(),
                   Meeting.status != MeetingStatus.CANCELLED)
            .order_by(Meeting.start_at)
        ).all()
        return next(m.id for m in meetings if m.id not in warned)


def _document_id(page) -> int:
    found = re.search(r"/material/(\d+)$", page.url)
    assert found, page.url
    return int(found.group(1))


def test_the_secretariat_uploads_and_distributes_and_a_member_downloads_and_finds_it(
    page, browser, log_in_as, live_server
):
    meeting_id = _upcoming_politicians_meeting(live_server)
    meeting_url = f"/meetings/{meeting_id}"
    log_in_as(page, "secretariat")

    # From the meeting page's material section to the form, with the meeting chosen.
    page.goto(meeting_url)
    material = page.locator("section#material")
    assert material.is_visible()
    with page.expect_navigation():
        material.locator(f"a[href='/material/new?meeting={meeting_id}']").click()
    assert page.locator("select#meeting_id").input_value() == str(meeting_id)
    assert page.locator("input[name=visibility][value=participants]").is_checked()
    # The meeting's theme is chosen for the knowledge bank.
    with live_server.app.app_context():
        theme_id = db.session.get(Meeting, meeting_id).theme_id
    assert page.locator(f"input[name=theme_ids][value='{theme_id}']").is_checked()

    page.locator("#title").fill(TITLE)
    page.locator("#description").fill("Regionernas önskemål om tåg över länsgränserna.")
    page.locator("select#kind").select_option("background")
    first = docx_file(FIRST)
    page.locator("input#file").set_input_files(
        files=[{"name": DOCX_NAME, "mimeType": DOCX, "buffer": first}])
    page.locator("#note").fill("Första utkastet")
    submit(page, page.locator("form.stacked-form [type=submit]"))

    assert re.search(r"/material/\d+$", page.url), page.locator("main").inner_text()
    document_id = _document_id(page)
    assert page.locator(".flashes .flash-success").is_visible()
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("main table tbody tr").count() == 1
    assert DOCX_NAME in page.locator("main table tbody").inner_text()

    # The meeting page lists it.
    page.goto(meeting_url)
    assert page.locator(f"#material a[href='/material/{document_id}']").inner_text() == TITLE

    # A new version, as a PDF this time.
    page.goto(f"/material/{document_id}")
    with page.expect_navigation():
        page.locator(f"main a[href='/material/{document_id}/versions/new']").click()
    revised = pdf_file(REVISED)
    page.locator("input#file").set_input_files(
        files=[{"name": PDF_NAME, "mimeType": "application/pdf", "buffer": revised}])
    page.locator("#note").fill("Kompletterat efter tjänstepersonsforum")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert page.url.endswith(f"/material/{document_id}"), page.url
    assert page.locator(".flashes .flash-success").is_visible()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    # Newest first, marked as the current one; both files stay downloadable.
    assert PDF_NAME in rows.nth(0).inner_text() and rows.nth(0).locator(".tag").count() == 1
    assert DOCX_NAME in rows.nth(1).inner_text()
    assert rows.nth(1).locator(
        f"a[href='/material/{document_id}/versions/1/file']").count() == 1

    # Distribute: the meeting page offers it, the form lists the new document.
    page.goto(meeting_url)
    with page.expect_navigation():
        page.locator(f"#material a[href='{meeting_url}/distribute']").click()
    assert page.locator(f"main a[href='/material/{document_id}']").count() == 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.locator("#message").fill("Underlaget inför mötet. Välkomna!")
    submit(page, page.locator("form.stacked-form [type=submit]"))
    assert re.search(rf"{meeting_url}(#material)?$", page.url), page.url
    assert page.locator(".flashes .flash-success").is_visible()
    # The meeting page shows the distribution, with the document in it.
    history = page.locator("#material ul.notice-list")
    assert history.count() == 1
    assert TITLE in history.inner_text()
    assert page.locator(f"#material a[href='{meeting_url}/distribute']").count() == 0

    with live_server.app.app_context():
        sent = db.session.scalars(
            select(Distribution).where(Distribution.meeting_id == meeting_id)).all()
        assert len(sent) == 1 and sent[0].recipients > 0
        items = {item.document_id: item for item in sent[0].items}
        current = db.session.scalar(
            select(DocumentVersion).where(DocumentVersion.document_id == document_id,
                                          DocumentVersion.number == 2))
        assert items[document_id].version_id == current.id
        member_email = live_server.accounts["member"][0]
        # The participants are told by e-mail (it waits in the outbox in these tests).
        assert db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.to_address == member_email,
            OutboxMessage.kind == "material_distributed")) is not None

    # The member, in a browser of her own.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(10_000)
    try:
        member = context.new_page()
        log_in_as(member, "member")
        member.goto(meeting_url)
        link = member.locator(f"#material a[href='/material/{document_id}/file']")
        assert link.count() == 1
        assert TITLE in member.locator("#material ul.notice-list").inner_text()
        with member.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == PDF_NAME
        with open(download.path(), "rb") as f:
            assert f.read() == revised

        # Search finds it by another form of a word inside the file (Swedish stemming).
        member.goto("/search")
        member.locator("#q").fill("tågförbindelse")
        submit(member, member.locator("form.filter-form button[type=submit]"))
        hit = member.locator(f"ol.search-hits a[href='/material/{document_id}']")
        assert hit.inner_text() == TITLE
        assert member.locator("ol.search-hits mark").count() >= 1
        # …and a word only the new version has.
        member.goto("/search?q=gränspendling")
        assert member.locator(f"ol.search-hits a[href='/material/{document_id}']").count() == 1

        # Withdrawn, it is the secretariat's alone: the member no longer learns its title,
        # not even from the list of what was distributed.
        page.goto(f"/material/{document_id}/withdraw")
        page.locator("#reason").fill("Ersätts av ett gemensamt underlag från Trafikverket.")
        submit(page, page.locator("form.stacked-form [type=submit]"))
        assert page.url.endswith(f"/material/{document_id}"), page.url
        member.goto(meeting_url)
        assert TITLE not in member.locator("main").inner_text()
        assert member.locator(f"a[href^='/material/{document_id}']").count() == 0
        member.goto("/search?q=gränspendling")
        assert member.locator(f"a[href='/material/{document_id}']").count() == 0
    finally:
        context.close()


def _restricted_titles(live_server, theme_slug: str) -> tuple[int, list[str], list[str]]:
    """A theme's id, and the titles of its documents that are public and that are not."""
    with live_server.app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == theme_slug))
        documents = [d for d in db.session.scalars(select(Document)) if theme in d.themes]
        public = [d.title for d in documents
                  if d.visibility is Visibility.PUBLIC and not d.is_withdrawn]
        hidden = [d.title for d in documents
                  if d.visibility is not Visibility.PUBLIC or d.is_withdrawn]
        return theme.id, public, hidden


def test_an_anonymous_visitor_never_sees_a_participants_only_title(page, live_server):
    theme_id, public, hidden = _restricted_titles(
        live_server, "kompetensforsorjning-och-kompetensutveckling")
    # The demo has both kinds on this theme.
    assert "Underlag: kompetensförsörjning i regionerna" in hidden
    assert public

    page.goto("/search?q=kompetensförsörjningen")
    hits = page.locator("ol.search-hits li")
    assert hits.count() >= 1
    found = page.locator("main").inner_text()
    assert [t for t in hidden if t in found] == []
    assert any(t in found for t in public)

    page.goto(f"/themes/{theme_id}")
    shown = page.locator("main").inner_text()
    assert [t for t in hidden if t in shown] == []
    assert all(t in shown for t in public)

    # Its own address asks the visitor to log in rather than telling what it is.
    with live_server.app.app_context():
        secret = db.session.scalar(select(Document).where(
            Document.title == "Underlag: kompetensförsörjning i regionerna"))
    page.goto(f"/material/{secret.id}")
    assert "/login" in page.url
    assert "kompetensförsörjning i regionerna" not in page.locator("main").inner_text()


def test_the_dashboard_shows_the_demo_meeting_whose_material_is_due(page, log_in_as,
                                                                   live_server):
    due = _due_meeting_ids(live_server)
    assert due, "the demo leaves a meeting with material due within a week"
    log_in_as(page, "secretariat")
    page.goto("/secretariat")
    section = page.locator("section[aria-labelledby=material-heading]")
    for meeting_id in due:
        assert section.locator(f"a[href='/meetings/{meeting_id}#material']").count() == 1
        assert section.locator(f"a[href='/meetings/{meeting_id}/distribute']").count() == 1
