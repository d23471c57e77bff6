"""Swedish full-text search on both databases: stemming ("kompetensförsörjningen" finds
"kompetensförsörjning", "regioner" finds "region"), words inside the files, relevance (the
title weighs most), access (nobody learns the title of a document they may not read),
filters, and queries that would trip a query parser."""

from __future__ import annotations

import re

import pytest
from material_fixtures import (
    FUTURE,
    at,
    docx_file,
    english,
    odt_file,
    pdf_file,
    pptx_file,
    text_of,
    unique,
)

from forum.material import search, services
from forum.material.access import PUBLIC_READER, Reader
from forum.material.models import DocumentKind, Visibility


def found(client, query: str, **filters) -> list[str]:
    """The titles of the hits, in order."""
    response = client.get("/search", query_string={"q": query, **filters})
    assert response.status_code == 200, (query, response.status_code)
    page = response.get_data(as_text=True)
    if '<ol class="search-hits">' not in page:
        return []
    hits = page.split('<ol class="search-hits">', 1)[1].split("</ol>", 1)[0]
    return [text for text in re.findall(
        r'<p class="document-title"><a href="/material/\d+">(.*?)</a>', hits)]


@pytest.fixture
def meeting(new_meeting, themes):
    return new_meeting(at(FUTURE, 4, 14), title="Sökmötet", theme=themes[0])


# --- Swedish words -------------------------------------------------------------------------


def test_an_inflected_word_finds_its_stem_inside_a_pdf(client, add_document, meeting):
    add_document(meeting, title="Bilaga 1",
                 content=pdf_file(unique("Arbetet med kompetensförsörjning går vidare.")),
                 name="bilaga.pdf")
    add_document(meeting, title="Bilaga 2", content=pdf_file(unique("Om kollektivtrafik.")),
                 name="bilaga2.pdf")

    assert found(client, "kompetensförsörjningen") == ["Bilaga 1"]
    assert found(client, "Kompetensförsörjning") == ["Bilaga 1"]


def test_a_plural_finds_the_singular(client, add_document, meeting):
    add_document(meeting, title="Bilaga 3",
                 content=docx_file(unique("Varje region lämnar en rapport.")),
                 name="bilaga.docx")
    add_document(meeting, title="Bilaga 4", content=unique("Om kommunerna.").encode(),
                 name="bilaga.txt")

    assert found(client, "regioner") == ["Bilaga 3"]
    assert found(client, "regionerna") == ["Bilaga 3"]
    assert found(client, "region") == ["Bilaga 3"]


@pytest.mark.parametrize("kind", ["pdf", "docx", "odt", "pptx", "txt"])
def test_words_inside_every_kind_of_file_are_found(client, add_document, meeting, kind):
    text = unique("Smart specialisering och innovationsstöden i Jämtland.")
    content = {"pdf": pdf_file, "docx": docx_file, "odt": odt_file, "pptx": pptx_file,
               "txt": lambda t: t.encode()}[kind](text)
    add_document(meeting, title=f"Fil av slaget {kind}", content=content, name=f"fil.{kind}")

    assert found(client, "innovationsstöd") == [f"Fil av slaget {kind}"]
    assert found(client, "jämtland specialisering") == [f"Fil av slaget {kind}"]


def test_the_description_is_searched_too(client, add_document, meeting):
    add_document(meeting, title="Bilaga 5", description="Underlag om landsbygdsutveckling.")
    assert found(client, "landsbygdsutvecklingen") == ["Bilaga 5"]


def test_all_words_must_be_there(client, add_document, meeting):
    add_document(meeting, title="Bilaga 6", content=unique("Cirkulär ekonomi i Skåne.").encode())
    add_document(meeting, title="Bilaga 7", content=unique("Cirkulär ekonomi i Norrbotten."
                                                           ).encode())
    assert found(client, "cirkulär skåne") == ["Bilaga 6"]
    assert sorted(found(client, "cirkulär ekonomi")) == ["Bilaga 6", "Bilaga 7"]


# --- relevance ------------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_text_only_match(client, add_document, meeting):
    # The text mentions the word again and again; the title only once.
    add_document(meeting, title="Årsrapport 2025",
                 content=pdf_file(unique(" ".join(["Kompetensförsörjningen i länet."] * 30))),
                 name="rapport.pdf")
    add_document(meeting, title="Kompetensförsörjning i regionerna",
                 content=unique("Ett kort underlag om annat.").encode())
    add_document(meeting, title="Bilaga 8", description="Om kompetensförsörjning.",
                 content=unique("Inget mer.").encode())

    assert found(client, "kompetensförsörjning") == [
        "Kompetensförsörjning i regionerna", "Bilaga 8", "Årsrapport 2025"]


def test_a_two_word_title_match_ranks_above_a_text_match(client, add_document, meeting):
    add_document(meeting, title="Protokoll",
                 content=unique("Regional utveckling och regional planering, regional "
                                "utveckling igen, och mer regional utveckling.").encode())
    add_document(meeting, title="Regional utveckling i praktiken",
                 content=unique("Ett annat ämne.").encode())
    assert found(client, "regional utveckling") == [
        "Regional utveckling i praktiken", "Protokoll"]


# --- access -------------------------------------------------------------------------------


def test_nobody_learns_the_title_of_a_document_they_may_not_read(
    app, session, add_document, meeting, client, make_person, make_nomination, make_account,
    login
):
    add_document(meeting, title="Öppet om vätgas", content=unique("vätgas").encode())
    add_document(meeting, title="Deltagarnas vätgasunderlag", visibility=Visibility.PARTICIPANTS,
                 content=unique("vätgas").encode())
    add_document(meeting, title="Kansliets hemliga vätgasanteckning",
                 visibility=Visibility.SECRETARIAT, content=unique("vätgas").encode())
    withdrawn = add_document(meeting, title="Indragen vätgasbilaga",
                             content=unique("vätgas").encode())
    with app.test_request_context():
        services.withdraw(session, withdrawn, reason="Felaktig")
    session.commit()

    member = make_person("Vera", "Vätgas")
    make_nomination(member, region_code="12")
    other = make_person("Otto", "Annan")
    make_nomination(other, region_code="12", body="tjanstepersonsforum",
                    seat_slug="tjansteperson")
    staff = login(app.test_client(), make_account("secretariat"))
    participant = login(app.test_client(), make_account("member", person=member))
    outsider = login(app.test_client(), make_account("member", person=other))

    everything = {"Öppet om vätgas", "Deltagarnas vätgasunderlag",
                  "Kansliets hemliga vätgasanteckning", "Indragen vätgasbilaga"}
    expected = {
        client: {"Öppet om vätgas"},
        outsider: {"Öppet om vätgas"},
        participant: {"Öppet om vätgas", "Deltagarnas vätgasunderlag"},
        staff: everything,
    }
    for visitor, titles in expected.items():
        assert set(found(visitor, "vätgas")) == titles
        page = text_of(visitor.get("/search", query_string={"q": "vätgas"}))
        for title in everything - titles:
            assert title not in page
        # Searching for a hidden title's own words reveals nothing either.
        for query in ("hemliga", "anteckning", "indragen", "deltagarnas"):
            page = text_of(visitor.get("/search", query_string={"q": query}))
            assert not any(t in page for t in everything - titles), (query, visitor)


def test_the_reader_condition_is_part_of_the_query(session, add_document, meeting, ctx):
    open_one = add_document(meeting, title="Öppet", content=unique("solenergi").encode())
    closed = add_document(meeting, title="Stängt", visibility=Visibility.PARTICIPANTS,
                          content=unique("solenergi").encode())
    assert [h.document.id for h in search.search(session, "solenergi", PUBLIC_READER)] == [
        open_one.id]
    participant = Reader(meeting_ids=frozenset({meeting.id}))
    assert sorted(h.document.id for h in search.search(session, "solenergi", participant)) == \
        sorted([open_one.id, closed.id])
    # Only what limit allows, but never what access forbids.
    assert len(search.search(session, "solenergi", Reader(secretariat=True), limit=1)) == 1


# --- filters, the page itself, odd queries --------------------------------------------------


def test_kind_and_theme_filters(client, add_document, new_meeting, themes):
    first = new_meeting(at(FUTURE, 4, 14), theme=themes[0])
    second = new_meeting(at(FUTURE, 5, 19), theme=themes[1])
    add_document(first, title="Dagordning om klimat", kind=DocumentKind.NOTICE,
                 content=unique("klimatomställning").encode())
    add_document(first, title="Presentation om klimat", kind=DocumentKind.PRESENTATION,
                 content=unique("klimatomställning").encode())
    add_document(second, title="Rapport om klimat", kind=DocumentKind.REPORT,
                 content=unique("klimatomställning").encode())

    assert found(client, "klimatomställningen", kind="notice") == ["Dagordning om klimat"]
    assert sorted(found(client, "klimatomställning", theme=themes[0].id)) == [
        "Dagordning om klimat", "Presentation om klimat"]
    assert found(client, "klimatomställning", theme=themes[1].id) == ["Rapport om klimat"]
    assert found(client, "klimatomställning", theme=themes[1].id, kind="notice") == []


def test_an_empty_query_shows_the_form_and_no_results(client, add_document, meeting):
    add_document(meeting, title="Något", content=unique("något").encode())
    for query in ({}, {"q": ""}):
        response = client.get("/search", query_string=query)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'role="search"' in page
        assert 'id="hits-heading"' not in page
    blank = client.get("/search", query_string={"q": "   "})
    assert blank.status_code == 200
    assert found(client, "   ") == []


def test_the_hit_shows_where_the_word_is_with_the_text_escaped(client, add_document, meeting):
    english(client)
    add_document(meeting, title="Med kod",
                 content=unique("Inledning. <script>alert(1)</script> Sedan kommer "
                                "besöksnäringen i fjällen.").encode(), name="kod.txt")
    page = client.get("/search", query_string={"q": "besöksnäring"}).get_data(as_text=True)
    snippet = page.split('<p class="snippet">', 1)[1].split("</p>", 1)[0]
    assert "<mark>besöksnäringen</mark>" in snippet
    assert "<script>" not in page.split("<main", 1)[1]
    assert "&lt;script&gt;" in snippet
    assert "1 document found" in page


ODD = ['"', '""', '"kompetens', "*", "kompetens*", "OR", "region OR", "OR region", "-",
       "-region", "NEAR(", "NEAR(region kompetens)", "AND", "NOT", "(", ")", "^region",
       "title:region", "body:x", "'", "\\", "region AND NOT", "!!!", "%", "_", "region;--",
       "a" * 199, "ö" * 150, "😀", "\u200b", "region\tkompetens"]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_break_the_page(client, add_document, meeting, query):
    add_document(meeting, title="Region och kompetens",
                 content=unique("region kompetens").encode())
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200, query
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_too_long_query_is_explained(client):
    english(client)
    response = client.get("/search", query_string={"q": "region " * 40})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)


def test_a_phrase_or_an_or_finds_what_it_says(client, add_document, meeting, db_name):
    add_document(meeting, title="Grön omställning", content=unique("grön omställning").encode())
    add_document(meeting, title="Omställning som är grön",
                 content=unique("omställning som är grön").encode())
    # Both databases: every word must be there, quotes or not.
    assert sorted(found(client, '"grön omställning"')) in (
        ["Grön omställning"], ["Grön omställning", "Omställning som är grön"])
    assert sorted(found(client, "grön omställning")) == [
        "Grön omställning", "Omställning som är grön"]


# --- the index follows the document ---------------------------------------------------------


def test_the_index_follows_new_versions_and_new_titles(
    app, session, client, add_document, add_version, meeting
):
    document = add_document(meeting, title="Utkast", content=unique("tidigt utkast om skog"
                                                                    ).encode())
    assert found(client, "skogen") == ["Utkast"]

    add_version(document, unique("Den slutliga texten om kommunerna.").encode(), "utkast.txt")
    assert found(client, "skog") == []
    assert found(client, "kommun") == ["Utkast"]

    with app.test_request_context():
        services.update(session, document, title="Slutlig rapport om haven")
    session.commit()
    assert found(client, "hav") == ["Slutlig rapport om haven"]
    assert found(client, "kommunernas") == ["Slutlig rapport om haven"]
    assert found(client, "utkast") == []


def test_a_new_version_without_text_clears_the_old_text(
    session, client, add_document, add_version, meeting
):
    from material_fixtures import image_file

    document = add_document(meeting, title="Affisch", content=unique("fjällturism").encode(),
                            name="affisch.txt")
    assert found(client, "fjällturism") == ["Affisch"]
    # The same document as an image now: its old words are no longer its words.
    with pytest.raises(services.MaterialError):
        add_version(document, image_file("PNG"), "affisch.txt")  # the name says text
    add_version(document, image_file("PNG"), "affisch.png")
    assert found(client, "fjällturism") == []
    assert found(client, "affisch") == ["Affisch"]


# --- many hits -----------------------------------------------------------------------------


def test_many_hits_come_a_page_at_a_time_with_their_total(client, add_document, meeting,
                                                           count_queries):
    from forum.material.views import HITS_PER_PAGE

    for number in range(1, HITS_PER_PAGE + 4):
        add_document(meeting, title=f"Vätgasrapport {number:02d}",
                     content=unique("Om vätgas i regionerna.").encode())
    add_document(meeting, title="Hemlig vätgasrapport", visibility=Visibility.SECRETARIAT,
                 content=unique("Om vätgas.").encode())

    def page_of(number: int | str) -> str:
        response = client.get("/search", query_string={"q": "vätgas", "page": number})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    first = page_of(1)
    heading = re.search(r'<h2 id="hits-heading">(\d+) ', first)
    assert heading and int(heading.group(1)) == HITS_PER_PAGE + 3  # not the secret one
    assert first.count('class="search-hit"') == HITS_PER_PAGE
    assert "Sida 1 av 2" in first and "page=2" in first and "q=v%C3%A4tgas" in first
    second = page_of(2)
    assert second.count('class="search-hit"') == 3
    assert f'<ol class="search-hits" start="{HITS_PER_PAGE + 1}">' in second
    shown = set(re.findall(r"Vätgasrapport \d\d", first + second))
    assert len(shown) == HITS_PER_PAGE + 3  # every hit once, none on both pages
    assert page_of(9).count('class="search-hit"') == 3  # beyond the last: the last
    assert page_of("x").count('class="search-hit"') == HITS_PER_PAGE
    with count_queries() as counter:
        page_of(2)
    assert counter.count <= 6
