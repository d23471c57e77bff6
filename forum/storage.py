"""Stored files: uploads checked by content, size-limited, streamed to disk under generated
names, and removed again if the change they belong to is not committed."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

CHUNK = 64 * 1024

# What a file's first bytes must be for each accepted kind.
SIGNATURES = {
    "pdf": (b"%PDF-",),
}


class UploadRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "empty", "too_large", "wrong_kind"


@dataclass(frozen=True)
class StoredFile:
    name: str  # the generated name under the storage root
    size: int
    sha256: str


def root() -> Path:
    path = Path(current_app.config.get("STORAGE_PATH") or Path(current_app.instance_path) / "files")
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(name: str) -> Path:
    # Generated names only: no separators, no dots leading anywhere else.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return root() / name


def store(session: Session, stream: BinaryIO, *, kind: str, max_bytes: int) -> StoredFile:
    """Stream an upload to disk, checking its kind by content and its size as it goes.

    The file is deleted again if the session's transaction rolls back, so that a refused
    or failed change leaves no file behind."""
    head = stream.read(8)
    if not head:
        raise UploadRefused("empty")
    if not any(head.startswith(sig) for sig in SIGNATURES[kind]):
        raise UploadRefused("wrong_kind")
    name = f"{secrets.token_hex(16)}.{kind}"
    target = root() / name
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused("too_large")
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    _remove_on_rollback(session, target)
    return StoredFile(name, size, digest.hexdigest())


def _remove_on_rollback(session: Session, target: Path) -> None:
    pending = session.info.setdefault("stored_files", [])
    pending.append(target)
    if session.info.get("stored_files_hooked"):
        return
    session.info["stored_files_hooked"] = True

    @event.listens_for(session, "after_commit")
    def _keep(s: Session) -> None:
        s.info.pop("stored_files", None)

    @event.listens_for(session, "after_transaction_end")
    def _drop(s: Session, transaction) -> None:
        # The outermost transaction ended without a commit (rolled back or closed).
        if transaction.parent is None and transaction.nested is False:
            for path in s.info.pop("stored_files", []):
                Path(path).unlink(missing_ok=True)


def open_stored(name: str) -> BinaryIO:
    return open(path_of(name), "rb")


def exists(name: str) -> bool:
    try:
        return os.path.isfile(path_of(name))
    except FileNotFoundError:
        return False
