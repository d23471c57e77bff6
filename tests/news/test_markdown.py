"""Markdown as the secretariat writes it, and as an attacker might: what reaches the page is
only what Markdown makes, with addresses that cannot run script."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from forum.news.markdown import allowed_link, render


class Elements(HTMLParser):
    """Every element and attribute of a piece of HTML, as a browser's parser sees them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text = ""
        self.feed(str(html))  # a Markup would escape what the parser adds to it

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text += data


ALLOWED_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "em", "strong", "a", "ul", "ol", "li",
                "blockquote", "code", "pre", "hr", "br", "table", "thead", "tbody", "tr",
                "th", "td", "s"}
ALLOWED_ATTRIBUTES = {"href", "title", "rel", "class", "start", "style"}


def assert_safe(html: str) -> Elements:
    found = Elements(html)
    for tag, attributes in found.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attributes.items():
            assert name in ALLOWED_ATTRIBUTES, (name, html)
            assert not name.startswith("on"), html
            if name == "href":
                assert re.match(r"^(https?:|mailto:|/|#|[^:]*$)", value.strip(), re.IGNORECASE), value
            if name == "style":  # markdown-it aligns table cells, nothing else
                assert re.fullmatch(r"text-align:(left|right|center)", value), value
    return found


def test_ordinary_markdown():
    html = render("## Dagordning\n\n- **Inledning**\n- *Kaffe*\n\n1. ett\n2. två\n\n"
                  "> citat\n\n`kod`\n\n---\n\n~~struket~~")
    assert isinstance(html, Markup)
    assert "<h3>Dagordning</h3>" in html
    assert "<strong>Inledning</strong>" in html and "<em>Kaffe</em>" in html
    assert "<ol>" in html and "<blockquote>" in html and "<code>kod</code>" in html
    assert "<s>struket</s>" in html
    assert_safe(html)


def test_headings_start_below_the_pages_own_title():
    html = render("# Ett\n\n## Två\n\n###### Sex")
    assert "<h1" not in html
    assert "<h2>Ett</h2>" in html and "<h3>Två</h3>" in html and "<h6>Sex</h6>" in html


def test_a_table():
    html = render("| Region | Svar |\n|---|--:|\n| Skåne | 12 |")
    assert "<table>" in html and "<th>Region</th>" in html
    assert '<td style="text-align:right">12</td>' in html
    assert_safe(html)


def test_links_within_the_site_and_outside():
    html = render("[mötet](/meetings/3) [regeringen](https://www.regeringen.se) "
                  "[skriv](mailto:forum@tillvaxtverket.se) [upp](#dagordning)")
    assert '<a href="/meetings/3">mötet</a>' in html
    assert '<a href="https://www.regeringen.se" rel="noopener">regeringen</a>' in html
    assert '<a href="mailto:forum@tillvaxtverket.se">skriv</a>' in html
    assert '<a href="#dagordning">upp</a>' in html
    # An address written out becomes a link only when marked up as one.
    auto = render("<https://www.pts.se>")
    assert '<a href="https://www.pts.se" rel="noopener">https://www.pts.se</a>' in auto


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klicka</a>',
    '<div onmouseover="alert(1)">text</div>',
    "<iframe src=https://evil.example></iframe>",
    "<svg/onload=alert(1)>",
    "<style>body{display:none}</style>",
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    "[klicka]( javascript:alert(1) )",
    "[klicka](&#106;avascript:alert(1))",
    "[klicka](&#x6A;avascript&#x3A;alert(1))",
    "[klicka](javascript&colon;alert(1))",
    "[klicka](java\tscript:alert(1))",
    "[klicka](<javascript:alert(1)>)",
    "[klicka](vbscript:msgbox(1))",
    "[klicka](file:///etc/passwd)",
    "[klicka](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![bild](data:image/png;base64,iVBORw0KGgo=)",
    "![bild](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '[klicka](https://example.se "titel" onclick="alert(1)")',
    '[klicka](https://example.se" onclick="alert(1))',
    "```\" onmouseover=\"alert(1)\n</code><script>alert(1)</script>\n```",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_makes_no_element_or_address_that_runs(source):
    html = render(source)
    found = assert_safe(html)
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    assert "<svg" not in lowered and "<style" not in lowered and "<div" not in lowered
    assert 'href="javascript' not in lowered and 'href="data' not in lowered
    assert 'href="vbscript' not in lowered and 'href="file' not in lowered
    assert not any(name.startswith("on") for _, attrs in found.tags for name in attrs)


def test_tags_and_entities_are_shown_as_the_text_they_are():
    html = render("Skriv <b>fet</b> & AT&T &amp; 3 &lt; 4")
    assert "&lt;b&gt;fet&lt;/b&gt;" in html
    assert Elements(html).text.strip() == "Skriv <b>fet</b> & AT&T & 3 < 4"
    # An escaped script stays text, however it was escaped.
    for source in ("&lt;script&gt;x&lt;/script&gt;", "&#60;script&#62;x&#60;/script&#62;"):
        assert Elements(render(source)).text.strip() == "<script>x</script>"


def test_an_image_becomes_a_link_to_it():
    html = render("![Karta över regionerna](https://example.se/karta.png)")
    assert html.strip() == ('<p><a href="https://example.se/karta.png" rel="noopener">'
                            "Karta över regionerna</a></p>")
    assert "<img" not in render("![](/static/img/favicon.svg)")


def test_a_refused_address_leaves_the_text_readable():
    html = render("[klicka](javascript:alert(1)) här")
    assert "<a" not in html
    assert "klicka" in html and "här" in html


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://example.se", True), ("http://example.se", True), ("mailto:a@b.se", True),
    ("/meetings/1", True), ("#top", True), ("sida.html", True), ("//example.se/x", True),
    ("javascript:alert(1)", False), ("JAVASCRIPT:alert(1)", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False),
    ("java\nscript:alert(1)", False), ("\x01javascript:alert(1)", False),
    ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc/passwd", False),
    ("ftp://example.se", False), ("tel:+4686817739", False),
])
def test_allowed_link(url, allowed):
    assert allowed_link(url) is allowed


def test_empty_text():
    assert render("") == ""
    assert render(None) == ""  # type: ignore[arg-type]
