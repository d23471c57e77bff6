"""Swedish full-text search over documents' titles, descriptions and text.

PostgreSQL: a generated tsvector over document_texts with the `swedish` configuration,
weighted title > description > text, and a GIN index (migration 0005); queries go through
websearch_to_tsquery, so "quotes", OR and -minus work as on the web.
SQLite: an FTS5 table holding the same fields as Snowball Swedish stems (the stemmer
PostgreSQL's `swedish` configuration also uses), queried with the stems of the words asked
for. Either way "kompetensförsörjningen" finds "kompetensförsörjning" and "regioner" finds
"region", and access is part of the query: nobody learns the title of a document they may
not read.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup
from sqlalchemy import column, delete, desc, func, insert, literal_column, select, table
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.material.access import Reader
from forum.material.models import Document, DocumentKind, DocumentText, document_themes

WORD = re.compile(r"\w+", re.UNICODE)
FTS = table("document_fts", column("rowid"), column("title"), column("description"),
            column("body"))


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def stems(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text)]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index(session: Session, document: Document, body: str | None = None) -> None:
    """(Re)index a document: its title and description, and the text of its newest version
    when given (otherwise the text indexed before is kept)."""
    found = session.get(DocumentText, document.id)
    if found is None:
        found = DocumentText(document_id=document.id, body=body or "")
        session.add(found)
    elif body is not None:
        found.body = body
    found.title = document.title
    found.description = document.description
    session.flush()
    if _dialect(session) == "sqlite":
        session.execute(delete(FTS).where(FTS.c.rowid == document.id))
        session.execute(insert(FTS).values(
            rowid=document.id, title=" ".join(stems(found.title)),
            description=" ".join(stems(found.description)), body=" ".join(stems(found.body)),
        ))


# What migration 0005 writes by hand for search and the models do not describe: the SQLite
# FTS5 table (with the shadow tables SQLite makes for it) and PostgreSQL's generated tsvector
# with its GIN index. Alembic's autogenerate and the schema comparison must leave them be.
SEARCH_TABLES = re.compile(r"^document_fts(_(data|idx|content|docsize|config))?$")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: False for the hand-written search schema."""
    if type_ == "table":
        return not SEARCH_TABLES.match(name or "")
    if type_ == "column":
        return not (name == "tsv" and getattr(obj, "table", None) is not None
                    and obj.table.name == "document_texts")
    if type_ == "index":
        return name != "ix_document_texts_tsv"
    return True


@dataclass
class Hit:
    document: Document
    snippet: Markup


def _query_stems(query: str) -> list[str]:
    return [s for s in stems(query) if s][:20]


def _limited(statement, reader: Reader, kind: DocumentKind | None, theme_id: int | None):
    """The statement limited to what the reader may read, and to the filters asked for."""
    statement = statement.where(reader.condition())
    if kind is not None:
        statement = statement.where(Document.kind == kind)
    if theme_id is not None:
        statement = statement.where(Document.id.in_(
            select(document_themes.c.document_id).where(document_themes.c.theme_id == theme_id)))
    return statement


def _fts_match(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _matching(session: Session, words: list[str], query: str, reader: Reader,
              kind: DocumentKind | None, theme_id: int | None):
    """The documents that match, as (statement, the order of relevance)."""
    # A document whose title has every word comes first, then one whose description has
    # them, then the rest; within each, by the database's relevance. (Weights alone would
    # let a long text that repeats a word outrank a title that has it once.)
    if _dialect(session) == "postgresql":
        tsquery = func.websearch_to_tsquery("swedish", query)
        tsv = literal_column("document_texts.tsv")
        rank = func.ts_rank_cd(tsv, tsquery)
        in_title = func.to_tsvector("swedish", DocumentText.title).op("@@")(tsquery)
        in_description = func.to_tsvector("swedish", DocumentText.description).op("@@")(tsquery)
        statement = (
            select(Document, DocumentText.body)
            .join(DocumentText, DocumentText.document_id == Document.id)
            .where(tsv.op("@@")(tsquery))
        )
    else:
        match = _fts_match(words)
        rank = -literal_column("bm25(document_fts, 10.0, 4.0, 1.0)")  # lower is better

        def matches_in(column: str):
            return Document.id.in_(
                select(FTS.c.rowid).select_from(FTS)
                .where(literal_column("document_fts").op("MATCH")(f"{column} : ({match})")))

        in_title = matches_in("title")
        in_description = matches_in("description")
        statement = (
            select(Document, DocumentText.body)
            .join(FTS, FTS.c.rowid == Document.id)
            .join(DocumentText, DocumentText.document_id == Document.id)
            .where(literal_column("document_fts").op("MATCH")(match))
        )
    statement = _limited(statement, reader, kind, theme_id)
    order = (desc(in_title), desc(in_description), desc(rank), Document.updated_at.desc(),
             Document.id.desc())
    return statement, order


def search(
    session: Session,
    query: str,
    reader: Reader,
    *,
    kind: DocumentKind | None = None,
    theme_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Hit]:
    """The documents the reader may read that match, most relevant first: `limit` of them
    from `offset`."""
    words = _query_stems(query)
    if not words:
        return []
    statement, order = _matching(session, words, query, reader, kind, theme_id)
    statement = (
        statement.options(joinedload(Document.meeting), selectinload(Document.themes))
        .order_by(*order).limit(limit).offset(offset)
    )
    wanted = set(words)
    return [Hit(document, snippet(document.description + "\n" + body, wanted))
            for document, body in session.execute(statement).unique()]


def count(
    session: Session,
    query: str,
    reader: Reader,
    *,
    kind: DocumentKind | None = None,
    theme_id: int | None = None,
) -> int:
    """How many documents search() would find in all."""
    words = _query_stems(query)
    if not words:
        return 0
    if _dialect(session) == "postgresql":
        statement, _ = _matching(session, words, query, reader, kind, theme_id)
        found = statement.with_only_columns(func.count(Document.id)).order_by(None)
    else:
        # The match first, as a set of ids: joined, SQLite's planner may walk every
        # readable document and match each (a second, not milliseconds, at 50,000).
        matched = (select(FTS.c.rowid).select_from(FTS)
                   .where(literal_column("document_fts").op("MATCH")(_fts_match(words))))
        found = _limited(select(func.count(Document.id)).where(Document.id.in_(matched)),
                         reader, kind, theme_id)
    return session.scalar(found) or 0


@lru_cache(maxsize=256)
def _beginning_with(stems: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def snippet(text: str, wanted: set[str], width: int = 90) -> Markup:
    """A stretch of the text around the first word whose stem was asked for, with the
    matching words marked; HTML-escaped."""
    # Lazily: a document's text can be half a million characters. Snowball's Swedish stems
    # only take endings off, so only the words that begin with a stem asked for are
    # stemmed to see whether they are one of them.
    first = next((m for m in _beginning_with(frozenset(wanted)).finditer(text)
                  if stem(m.group()) in wanted), None)
    if first is None:
        start, end = 0, min(len(text), 2 * width)
    else:
        start, end = max(0, first.start() - width), min(len(text), first.end() + width)
    part = text[start:end]
    out = []
    position = 0
    for m in WORD.finditer(part):
        out.append(html.escape(part[position:m.start()]))
        escaped = html.escape(m.group())
        out.append(f"<mark>{escaped}</mark>" if stem(m.group()) in wanted else escaped)
        position = m.end()
    out.append(html.escape(part[position:]))
    result = " ".join("".join(out).split())
    return Markup(("… " if start > 0 else "") + result + (" …" if end < len(text) else ""))
