"""Files stored by content: the SHA-256 of a file is its name, so the same file uploaded
twice is kept once, and a stored file never changes.

Uploads are streamed to a temporary file beside the store while their size is checked and
their hash computed, never held in memory; a finished upload is moved into place. A file
put in place by a transaction that does not commit is removed again, unless a committed
row refers to it (another upload of the same content).

The store sits behind a small interface (BlobStore) so that an S3-compatible store can take
the local directory's place when several servers share the files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

CHUNK = 256 * 1024
log = logging.getLogger(__name__)


class UploadRefused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason  # "empty", "too_large", "wrong_kind", "name_mismatch"
        self.detail = detail


@dataclass
class Received:
    """An upload on local disk, checked for size and hashed, not yet in the store."""

    path: Path
    size: int
    sha256: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class BlobStore(Protocol):
    def incoming(self) -> Path: ...
    def put(self, received: Received) -> bool: ...
    def open(self, digest: str) -> BinaryIO: ...
    def local_path(self, digest: str) -> Path | None: ...
    def exists(self, digest: str) -> bool: ...
    def delete(self, digest: str) -> None: ...


def _checked(digest: str) -> str:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise FileNotFoundError(digest)
    return digest


class LocalBlobStore:
    """A directory: <root>/ab/cd/abcd…, and <root>/incoming for uploads in progress."""

    def __init__(self, root: Path):
        self.root = root

    def incoming(self) -> Path:
        path = self.root / "incoming"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def path(self, digest: str) -> Path:
        digest = _checked(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, received: Received) -> bool:
        """Move the upload into place; False if the same content was stored already (the
        upload is then left where it is, for the caller to keep or discard)."""
        target = self.path(received.sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(received.path, 0o640)
        # Atomic on one file system: a reader sees the whole file or none.
        os.replace(received.path, target)
        return True

    def open(self, digest: str) -> BinaryIO:
        return open(self.path(digest), "rb")

    def local_path(self, digest: str) -> Path | None:
        return self.path(digest)

    def exists(self, digest: str) -> bool:
        try:
            return self.path(digest).is_file()
        except FileNotFoundError:
            return False

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)


def store() -> BlobStore:
    found = current_app.extensions.get("forum.blobs")
    if found is None:
        root = Path(current_app.config.get("BLOB_STORAGE_PATH")
                    or Path(current_app.instance_path) / "blobs")
        found = current_app.extensions["forum.blobs"] = LocalBlobStore(root)
    return found


def receive(stream: BinaryIO, *, max_bytes: int) -> Received:
    """Stream an upload to a temporary file, hashing it and refusing it as soon as it is
    larger than max_bytes. Nothing is left behind when it is refused or fails."""
    fd, name = tempfile.mkstemp(dir=store().incoming(), prefix="upload-")
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused("too_large")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("empty")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, size, digest.hexdigest())


def keep(session: Session, received: Received,
         still_referenced: Callable[[str], bool]) -> None:
    """Put a received upload in the store as part of the session's transaction: if the
    transaction does not commit, a file this upload created is removed again, unless
    `still_referenced(digest)` finds a committed row that uses it.

    When the same content is stored already, the upload is kept aside until the
    transaction ends: another transaction that put that file there may still roll back
    and remove it, and then this one puts its own copy back when it commits."""
    blobs = store()
    if blobs.put(received):
        _pending(session)["created"].append((blobs, received.sha256, still_referenced))
    else:
        _pending(session)["spare"].append((blobs, received))


def _pending(session: Session) -> dict[str, list]:
    pending = session.info.get("blobs")
    if pending is None:
        pending = session.info["blobs"] = {"created": [], "spare": []}
    if not session.info.get("blobs_hooked"):
        session.info["blobs_hooked"] = True
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_transaction_end", _ended)
    return pending


def _committed(session: Session) -> None:
    pending = session.info.pop("blobs", None)
    if not pending:
        return
    for owner, received in pending["spare"]:
        if not owner.exists(received.sha256):
            owner.put(received)
        received.discard()


def _ended(session: Session, transaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    pending = session.info.pop("blobs", None)  # after a commit: taken by _committed
    if not pending:
        return
    for owner, received in pending["spare"]:
        received.discard()
    for owner, digest, referenced in pending["created"]:
        try:
            unused = not referenced(digest)
        except Exception:
            # Better a file nobody uses than a version without its file.
            log.warning("kept %s: could not tell whether a version uses it", digest,
                        exc_info=True)
            continue
        if unused:
            owner.delete(digest)
