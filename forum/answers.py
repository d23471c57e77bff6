"""A few seconds' memory of answers that many ask for alike: calendar feeds and the public
pages as an anonymous visitor sees them.

Most of the forum's traffic asks the same thing again and again: calendar programs fetch
the same feeds every hour (nearly always unchanged), and visitors who are not signed in
all see the same start page, meeting list, knowledge bank and search results. Each process keeps such an
answer for `ANSWER_CACHE_SECONDS` (10 by default, 0 turns it off), bounded by size:

- A commit that wrote anything in this process forgets every kept answer at once, so a
  change is never hidden from the one who made it. Another worker may show the previous
  version until its copy is that many seconds old; a calendar fetches hourly and a page is
  reloaded, so a few seconds are invisible. The same holds for a revoked feed address: it
  stops working in every process within those seconds.
- A page is kept only as an anonymous visitor sees it, by address, query and language, and
  only a 200 answer; whoever is signed in, or has a message waiting, gets it made for them.
  The forms on a kept page carry a mark in place of the CSRF token, and each visitor gets
  their own token put in on the way out, as on a page made for them.
- Search results are kept the same way, by the question asked: a question asked again (a
  link to a search, paging back, a reload) is answered from memory; a new one is searched.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.i18n import language


class Memory:
    """Values by key, each for a while or for good, least recently used dropped first when
    their total size passes `max_bytes`. Safe to share between a worker's threads."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int, float | None]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            value, size, expires = found
            if expires is not None and expires <= time.monotonic():
                del self._items[key]
                self._size -= size
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any, size: int, seconds: float | None = None) -> None:
        if size > self.max_bytes:
            return
        expires = None if seconds is None else time.monotonic() + seconds
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size, expires)
            self._size += size
            while self._size > self.max_bytes:
                _, (_, dropped, _) = self._items.popitem(last=False)
                self._size -= dropped

    def get_or_build(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        found = self.get(key)
        if found is not None:
            return found
        built = build()
        self.put(key, built, len(built))
        return built

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


# Each app keeps at most this much of answers; feeds' built bytes have their own.
MAX_BYTES = 64 * 1024 * 1024
# Every app's memory in this process, forgotten together on a commit that wrote.
_memories: weakref.WeakSet[Memory] = weakref.WeakSet()


def memory(app: Flask | None = None) -> Memory:
    return (app or current_app).extensions["forum.answers"]


def seconds() -> float:
    return current_app.config["ANSWER_CACHE_SECONDS"]


def recall(key: Hashable) -> Any | None:
    return memory().get(key) if seconds() > 0 else None


def remember(key: Hashable, value: Any, size: int) -> None:
    if seconds() > 0:
        memory().put(key, value, size, seconds())


# --- forgetting on every write ------------------------------------------------------------


def _wrote(session: Session, *_: object) -> None:
    session.info["forum_wrote"] = True


def _orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _wrote(state.session)


def _committed(session: Session) -> None:
    if session.info.pop("forum_wrote", False):
        for kept in list(_memories):
            kept.clear()


def _listen() -> None:
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_flush", _wrote)
        event.listen(Session, "do_orm_execute", _orm_execute)
        event.listen(Session, "after_commit", _committed)


# --- pages as an anonymous visitor sees them ----------------------------------------------

# Stands for the CSRF token in a kept page; never a real token (those are base64 and dots).
CSRF_MARK = "~~forum-csrf~~"
_KEPT_HEADERS = ("Content-Type", "Cache-Control", "Content-Language", "Vary")


@dataclass(frozen=True)
class Page:
    body: bytes
    headers: tuple[tuple[str, str], ...]


def _shareable() -> bool:
    return (request.method in ("GET", "HEAD") and seconds() > 0
            and not current_user.is_authenticated and "_flashes" not in session)


def _with_token(body: bytes) -> bytes:
    mark = CSRF_MARK.encode()
    if mark not in body:
        return body
    g.pop("csrf_token", None)
    return body.replace(mark, generate_csrf().encode())


def for_visitors(view: Callable) -> Callable:
    """Keep the view's page as anonymous visitors see it (the module's docstring)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not _shareable():
            return view(*args, **kwargs)
        key = ("page", request.host_url, request.full_path, language())
        page = recall(key)
        if page is None:
            g.csrf_token = CSRF_MARK
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.pop("csrf_token", None)
            if response.direct_passthrough or response.is_streamed:
                return response
            if response.status_code != 200 or "Set-Cookie" in response.headers:
                response.set_data(_with_token(response.get_data()))
                return response
            page = Page(response.get_data(), tuple(
                (name, value) for name, value in response.headers.items()
                if name in _KEPT_HEADERS))
            remember(key, page, len(page.body))
        return current_app.response_class(_with_token(page.body), headers=list(page.headers))

    return wrapper


def init_app(app: Flask) -> None:
    kept = Memory(MAX_BYTES)
    app.extensions["forum.answers"] = kept
    _memories.add(kept)
    _listen()
