"""Markdown as the secretariat writes it, rendered to HTML that is safe to show anyone.

markdown-it-py (CommonMark) with raw HTML off: whatever looks like a tag is shown as text.
Links and images pass our own check of the address (http, https, mailto and addresses within
the site only: no javascript:, data:, vbscript: or file:). Links that leave the site get
rel="noopener". Headings start at h2, since the page's title is its h1. Images become links
to the image: the pages' Content-Security-Policy shows only the site's own images.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# What browsers skip in an address before they read its scheme ("java\tscript:").
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def allowed_link(url: str) -> bool:
    """May this address be a link or an image? Given the address as markdown-it normalised
    it: entities decoded (&colon; is a colon by now), unsafe characters percent-encoded."""
    candidate = _IGNORED.sub("", url).lower()
    found = _SCHEME.match(candidate)
    if found is None:
        # No scheme: a path within the site, a fragment, or //host (the page's scheme).
        return True
    return found.group(1) in ALLOWED_SCHEMES


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.netloc) or parts.scheme in ("http", "https")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = allowed_link  # type: ignore[method-assign]

    def image(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        src = str(token.attrs.get("src", ""))
        text = self.renderInlineAsText(token.children or [], options, env) or src
        rel = ' rel="noopener"' if _is_external(src) else ""
        return f'<a href="{escapeHtml(src)}"{rel}>{escapeHtml(text)}</a>'

    md.add_render_rule("image", image)
    return md


_MD = _parser()


def _adjust(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{min(level + 1, 6)}"
        elif token.type == "link_open" and _is_external(str(token.attrs.get("href", ""))):
            token.attrs["rel"] = "noopener"
        if token.children:
            _adjust(token.children)


def render(text: str) -> Markup:
    """The text as HTML: only the elements Markdown makes, with checked addresses."""
    tokens = _MD.parse(text or "")
    _adjust(tokens)
    return Markup(_MD.renderer.render(tokens, _MD.options, {}))
