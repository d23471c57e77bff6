"""Backup and restore: the whole forum in one archive that restores into SQLite or
PostgreSQL, whichever it came from.

The archive is a tar file (gzip-compressed when its name ends in .gz or .tgz):

- ``database/<table>.jsonl``: every table of the models (``Base.metadata``, so a feature's
  new tables come along by themselves), one JSON object per row keyed by column name.
  Values are portable: dates, times and UTC datetimes in ISO 8601, decimals as strings,
  bytes in base64, enums as the strings stored, booleans and numbers as JSON; a JSON
  column holds its JSON text as a string (null for SQL NULL, so that SQL NULL and JSON
  null stay apart).
- ``files/blobs/<sha256>``: the document files (``BLOB_STORAGE_PATH``);
  ``files/storage/<name>``: the other stored files (``STORAGE_PATH``).
- ``manifest.json``, last: the format, Forum's version, the schema's Alembic revision, the
  time, the tables in dependency order with their columns and row counts, and the size
  and SHA-256 of every other member.

A backup reads the database in one transaction (on PostgreSQL a read-only REPEATABLE READ
snapshot, as pg_dump takes), so one taken while Forum runs is consistent. The files are
read after the rows; stored files never change and are not removed while a row refers to
them, so every file the rows need is there.

A restore checks the whole archive before it writes anything: every member present, none
added, every checksum and row count right, a revision this Forum knows. Then, in one
transaction: an empty database is migrated to the backup's revision, the rows are inserted
in dependency order (columns that refer to their own table, or close a cycle, are filled in
afterwards), PostgreSQL's sequences go on after the largest id, the schema is upgraded to
this Forum's newest revision when the backup is older, and what is derived rather than
backed up is rebuilt (SQLite's full-text index; PostgreSQL computes its tsvector itself).
The files are written last; if anything fails, the transaction rolls back and the files it
added are removed again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, Table, func, select, type_coerce
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import ForeignKeyConstraint, sort_tables_and_constraints

from forum import migrate
from forum.blobs import LocalBlobStore, Received
from forum.db import Base
from forum.timeutil import utcnow

FORMAT = "forum-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
BATCH = 1000
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
DIGEST = re.compile(r"^[0-9a-f]{64}$")
TABLE_MEMBER = re.compile(r"^database/([A-Za-z0-9_]+)\.jsonl$")
BLOB_MEMBER = re.compile(r"^files/blobs/([0-9a-f]{64})$")
STORAGE_MEMBER = re.compile(r"^files/storage/([A-Za-z0-9_-][A-Za-z0-9_.-]*)$")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- what belongs to the forum --------------------------------------------------------------


def model_tables() -> list[Table]:
    """Every table of the models, parents before children."""
    import forum.models  # noqa: F401  (registers every feature's tables)

    return dependency_order(Base.metadata.tables.values())[0]


def dependency_order(
    tables: Iterable[Table],
) -> tuple[list[Table], dict[str, set[str]]]:
    """The tables in an order that inserts parents first, and per table the columns that
    must be filled in after all rows are in: those referring to their own table, and
    those closing a cycle between tables."""
    found = sort_tables_and_constraints(list(tables))
    order = [table for table, _ in found if table is not None]
    later: dict[str, set[str]] = {table.name: set() for table in order}
    cycles: list[ForeignKeyConstraint] = [fk for table, fks in found if table is None
                                          for fk in fks]
    for table in order:
        for constraint in table.foreign_key_constraints:
            if constraint.referred_table is table or constraint in cycles:
                later[table.name].update(column.name for column in constraint.columns)
    return order, later


def _is_forum_table(name: str) -> bool:
    from forum.material.search import SEARCH_TABLES

    return not (name == "alembic_version" or name.startswith("sqlite_")
                or SEARCH_TABLES.match(name))


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config())


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _ancestry(scripts: ScriptDirectory, revision: str) -> list[str]:
    """The revisions from the first migration up to this one."""
    return [script.revision for script in scripts.walk_revisions("base", revision)]


def app_version() -> str:
    try:
        return package_metadata.version("forum")
    except package_metadata.PackageNotFoundError:
        return "unknown"


# --- values ----------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise BackupError(f"A value of type {type(value).__name__} cannot be written to a backup.")


def _decoder(column: sa.Column, dialect: str) -> Callable[[Any], Any]:
    """How a value written by _encode goes back into this column of the target schema."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        # SQL NULL stays NULL, the JSON text null stays JSON null.
        kind.none_as_null = True

        def json_value(value: Any) -> Any:
            if value is None:
                return None
            loaded = json.loads(value)
            return sa.JSON.NULL if loaded is None else loaded

        return json_value
    if isinstance(kind, sa.DateTime):
        naive = dialect == "sqlite" or not kind.timezone

        def moment(value: Any) -> Any:
            if value is None:
                return None
            found = datetime.fromisoformat(value)
            if naive and found.tzinfo is not None:
                found = found.astimezone(UTC).replace(tzinfo=None)
            return found

        return moment
    if isinstance(kind, sa.Date):
        return lambda value: None if value is None else date.fromisoformat(value)
    if isinstance(kind, sa.Time):
        return lambda value: None if value is None else time.fromisoformat(value)
    if isinstance(kind, sa.Float):
        return lambda value: None if value is None else float(value)
    if isinstance(kind, sa.Numeric):
        return lambda value: None if value is None else Decimal(str(value))
    if isinstance(kind, sa.LargeBinary):
        return lambda value: None if value is None else base64.b64decode(value)
    if isinstance(kind, sa.Boolean):
        return lambda value: None if value is None else bool(value)
    return lambda value: value


# --- writing a backup ------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    revision: str
    tables: dict[str, int]
    blobs: int = 0
    stored: int = 0
    file_bytes: int = 0
    size: int = 0
    damaged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        rows = sum(self.tables.values())
        found = [
            f"Backup written to {self.path} ({_size(self.size)}), schema {self.revision}.",
            f"Database: {rows:,} rows in {len(self.tables)} tables.",
            (f"Files: {self.blobs:,} document files and {self.stored:,} other files "
             f"({_size(self.file_bytes)})."),
        ]
        for digest in self.damaged:
            found.append(f"Warning: the stored file {digest} does not match its checksum; "
                         "it was copied as it is.")
        return found


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction for the whole database: what it reads is one moment's state."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ",
                                         postgresql_readonly=True)
        with connection.begin():
            yield connection


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, stream: BinaryIO, size: int,
         mtime: float) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o640
    reader = _Hashing(stream)
    archive.addfile(info, reader)  # type: ignore[arg-type]
    return {"size": size, "sha256": reader.digest.hexdigest()}


def _write_rows(connection: Connection, table: Table, out: BinaryIO) -> int:
    """Every row of the table as JSON lines, in primary key order; the number of rows."""
    selected: list[Any] = []
    plan: list[tuple[str, bool, int, int | None]] = []  # name, JSON?, value, SQL NULL flag
    for column in table.columns:
        value_at, null_at = len(selected), None
        is_json = isinstance(column.type, sa.JSON)
        if isinstance(column.type, sa.Enum):
            selected.append(type_coerce(column, sa.String()))  # the string stored
        else:
            selected.append(column)
        if is_json and column.nullable:
            null_at = len(selected)
            selected.append(column.is_(None))
        plan.append((column.name, is_json, value_at, null_at))
    order = list(table.primary_key.columns) or list(table.columns)
    statement = select(*selected).order_by(*order).execution_options(yield_per=BATCH)
    count = 0
    for row in connection.execute(statement):
        record = {}
        for name, is_json, value_at, null_at in plan:
            value = row[value_at]
            if is_json:
                record[name] = (None if null_at is not None and row[null_at]
                                else json.dumps(value, ensure_ascii=False))
            else:
                record[name] = _encode(value)
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
        out.write(b"\n")
        count += 1
    return count


def stored_files(blob_store: LocalBlobStore, storage_root: Path) -> Iterator[tuple[str, Path]]:
    """(member name, path) of every stored file: content-addressed blobs, then the others.
    Uploads still in progress (the blob store's incoming/, hidden files) are left out."""
    root = Path(blob_store.root)
    if root.is_dir():
        for path in sorted(root.glob("??/??/*")):
            if (DIGEST.match(path.name) and path.is_file()
                    and path.parent.name == path.name[2:4]
                    and path.parent.parent.name == path.name[:2]):
                yield f"files/blobs/{path.name}", path
    if storage_root.is_dir():
        for path in sorted(storage_root.iterdir()):
            if path.is_file() and STORAGE_MEMBER.match(f"files/storage/{path.name}"):
                yield f"files/storage/{path.name}", path


def backup(engine: Engine, destination: Path, *, blob_store: LocalBlobStore,
           storage_root: Path) -> BackupSummary:
    """Write the archive to destination (through a .partial file beside it, renamed at the
    end, so that a backup that fails never looks complete)."""
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    compressed = destination.name.endswith((".gz", ".tgz"))
    created = utcnow()
    members: dict[str, dict[str, Any]] = {}
    tables = model_tables()
    summary = BackupSummary(destination, "", {})
    manifest_tables = []
    try:
        with open(partial, "wb") as raw, tarfile.open(
            fileobj=raw, mode="w|gz" if compressed else "w|", format=tarfile.PAX_FORMAT
        ) as archive:
            with _snapshot(engine) as connection:
                revision = _revision(connection)
                head = _scripts().get_current_head()
                if revision is None:
                    raise BackupError("The database has no Forum schema: there is nothing to "
                                      "back up (is DATABASE_URL right?).")
                if revision != head:
                    raise BackupError(
                        f"The database's schema is at revision {revision}, but this Forum "
                        f"is at {head}. Take the backup with the Forum version that matches "
                        "the database, or bring the schema up to date first with "
                        "`flask --app app forum init`."
                    )
                summary.revision = revision
                for table in tables:
                    name = f"database/{table.name}.jsonl"
                    with tempfile.TemporaryFile(dir=partial.parent) as spool:
                        rows = _write_rows(connection, table, spool)
                        size = spool.tell()
                        spool.seek(0)
                        members[name] = _add(archive, name, spool, size, created.timestamp())
                    summary.tables[table.name] = rows
                    manifest_tables.append({
                        "name": table.name, "member": name, "rows": rows,
                        "columns": [column.name for column in table.columns],
                    })
            for name, path in stored_files(blob_store, storage_root):
                with open(path, "rb") as stream:
                    size = os.fstat(stream.fileno()).st_size
                    members[name] = _add(archive, name, stream, size,
                                         os.stat(path).st_mtime)
                summary.file_bytes += size
                if name.startswith("files/blobs/"):
                    summary.blobs += 1
                    if members[name]["sha256"] != path.name:
                        summary.damaged.append(path.name)
                else:
                    summary.stored += 1
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version(),
                "revision": summary.revision,
                "created_at": created.isoformat(),
                "database": engine.dialect.name,
                "tables": manifest_tables,
                "files": {"blobs": summary.blobs, "storage": summary.stored,
                          "bytes": summary.file_bytes},
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add(archive, MANIFEST, io.BytesIO(data), len(data), created.timestamp())
        os.replace(partial, destination)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, SQLAlchemyError | OSError | tarfile.TarError | zlib.error):
            raise BackupError(f"The backup failed and {destination} was not written: "
                              f"{_reason(error)}") from error
        raise
    summary.size = destination.stat().st_size
    return summary


# --- checking an archive ---------------------------------------------------------------------


@dataclass
class Archive:
    path: Path
    manifest: dict[str, Any]

    @property
    def revision(self) -> str:
        return self.manifest["revision"]

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        return {entry["name"]: entry for entry in self.manifest["tables"]}


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(f"{path} is not a readable Forum backup ({error}).") from error


def verify(path: Path, *, storage_root: Path | None = None) -> Archive:
    """Read the whole archive and check it against its manifest; raise BackupError with
    what is wrong. With storage_root, also refuse an archive whose stored files would
    overwrite different files of the same name there."""
    path = Path(path)
    seen: dict[str, dict[str, Any]] = {}
    manifest_data = b""
    with _open(path) as archive:
        try:
            for member in archive:
                name = member.name
                if not member.isfile() or not (
                    name == MANIFEST or TABLE_MEMBER.match(name) or BLOB_MEMBER.match(name)
                    or STORAGE_MEMBER.match(name)
                ):
                    raise BackupError(f"{path} holds {name!r}, which no Forum backup has.")
                if name in seen:
                    raise BackupError(f"{path} holds {name!r} twice.")
                stream = archive.extractfile(member)
                assert stream is not None
                digest, size, lines = hashlib.sha256(), 0, 0
                if name == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise BackupError(f"The manifest of {path} is implausibly large.")
                    manifest_data = stream.read()
                    size = len(manifest_data)
                else:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        lines += chunk.count(b"\n")
                if size != member.size:
                    raise BackupError(f"{path} is incomplete: {name} is cut short.")
                seen[name] = {"size": size, "sha256": digest.hexdigest(), "lines": lines}
        except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
            raise BackupError(f"{path} is damaged or incomplete ({error}).") from error
    if MANIFEST not in seen:
        raise BackupError(f"{path} has no manifest.json: it is incomplete (cut short?) or "
                          "not a Forum backup.")
    try:
        manifest = json.loads(manifest_data)
        listed: dict[str, dict[str, Any]] = manifest["members"]
        tables = manifest["tables"]
        revision = manifest["revision"]
        fmt, version = manifest["format"], manifest["format_version"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"The manifest of {path} is damaged ({error}).") from error
    if fmt != FORMAT:
        raise BackupError(f"{path} is not a Forum backup.")
    if version != FORMAT_VERSION:
        raise BackupError(f"{path} is a Forum backup of format {version}; this Forum reads "
                          f"format {FORMAT_VERSION}. Restore it with a matching Forum.")
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise BackupError(f"{path} is incomplete: {len(missing)} members of its manifest "
                          f"are missing ({', '.join(missing[:5])}).")
    extra = sorted(set(seen) - set(listed) - {MANIFEST})
    if extra:
        raise BackupError(f"{path} holds members its manifest does not list "
                          f"({', '.join(extra[:5])}).")
    changed = sorted(name for name, expected in listed.items()
                     if (seen[name]["size"], seen[name]["sha256"])
                     != (expected.get("size"), expected.get("sha256")))
    if changed:
        raise BackupError(f"{path} is damaged: the checksums of {len(changed)} members do not "
                          f"match the manifest ({', '.join(changed[:5])}).")
    for entry in tables:
        member = entry.get("member", "")
        if not TABLE_MEMBER.match(member) or member not in seen:
            raise BackupError(f"The manifest of {path} lists table {entry.get('name')!r} "
                              "without its rows.")
        if seen[member]["lines"] != entry.get("rows"):
            raise BackupError(f"{path} is damaged: {member} holds {seen[member]['lines']} "
                              f"rows, its manifest says {entry.get('rows')}.")
    scripts = _scripts()
    try:
        known = isinstance(revision, str) and scripts.get_revision(revision) is not None
    except (CommandError, RevisionError):
        known = False
    if not known:
        raise BackupError(
            f"{path} was made by a newer Forum: its schema revision {revision} is unknown "
            f"here (this Forum goes up to {scripts.get_current_head()}). Upgrade Forum to "
            "the version that made it, or a newer one, and restore again."
        )
    if storage_root is not None:
        for name, expected in listed.items():
            found = STORAGE_MEMBER.match(name)
            target = storage_root / found.group(1) if found else None
            if target is not None and target.exists() and _sha256(target) != expected["sha256"]:
                raise BackupError(f"STORAGE_PATH already holds a different file named "
                                  f"{target.name}; restore into an empty file store.")
    return Archive(path, manifest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- restoring -------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    archive: Archive
    database: str
    tables: dict[str, int] = field(default_factory=dict)
    blobs: int = 0
    stored: int = 0
    already_there: int = 0
    file_bytes: int = 0
    indexed: int = 0
    replaced: list[str] = field(default_factory=list)
    upgraded_to: str | None = None
    waiting_mail: int = 0

    def lines(self) -> list[str]:
        manifest = self.archive.manifest
        made = datetime.fromisoformat(manifest["created_at"]).astimezone(UTC)
        found = [
            (f"Restored {self.archive.path}: the backup of {made:%Y-%m-%d %H:%M} UTC "
             f"(Forum {manifest.get('app_version', '?')}, schema {self.archive.revision}, "
             f"from {manifest.get('database', '?')}) into {self.database}."),
        ]
        if self.replaced:
            found.append("The rows the migrations and `forum init` had added "
                         f"({', '.join(sorted(self.replaced))}) made way for the backup's.")
        rows = sum(self.tables.values())
        found.append(f"Database: {rows:,} rows in {len(self.tables)} tables:")
        width = max((len(name) for name in self.tables), default=0)
        for name, count in self.tables.items():
            if count:
                found.append(f"  {name:<{width}}  {count:>9,}")
        found.append(f"Files: {self.blobs:,} document files and {self.stored:,} other files "
                     f"({_size(self.file_bytes)})"
                     + (f"; {self.already_there:,} were there already." if self.already_there
                        else "."))
        found.append(f"Search index rebuilt: {self.indexed:,} documents.")
        if self.upgraded_to:
            found.append(f"Schema upgraded from {self.archive.revision} to {self.upgraded_to}.")
        if self.waiting_mail:
            found.append(f"E-mails waiting in the outbox: {self.waiting_mail:,} (the outbox "
                         "worker, `forum outbox`, sends them).")
        return found


def _table_counts(connection: Connection, names: Iterable[str]) -> dict[str, int]:
    return {name: connection.execute(select(func.count()).select_from(sa.table(name)))
            .scalar_one() for name in sorted(names)}


def _untouched_counts(revision: str) -> list[dict[str, int]]:
    """The rows per table of an install nobody has used yet: after the migrations up to
    this revision (some add rows), and, at the newest revision, also after `forum init`.
    Made in memory, so that it stays true as migrations and reference data change."""
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import StaticPool

    from forum import reference
    from forum.db import make_engine

    engine = make_engine(sa.make_url("sqlite://"), poolclass=StaticPool)

    def counts() -> dict[str, int]:
        with engine.connect() as connection:
            names = [n for n in sa.inspect(connection).get_table_names() if _is_forum_table(n)]
            return _table_counts(connection, names)

    try:
        migrate.upgrade(engine, revision)
        found = [counts()]
        if revision == _scripts().get_current_head():
            with Session(engine) as session:
                reference.load(session)
                session.commit()
            found.append(counts())
        return found
    finally:
        engine.dispose()


def _described(counts: dict[str, int], untouched: dict[str, int]) -> str:
    """The tables whose rows an untouched install would not have: "accounts: 1, …"."""
    found = [(name, n - untouched.get(name, 0)) for name, n in sorted(counts.items())
             if n != untouched.get(name, 0)]
    shown = ", ".join(f"{name}: {n:+,}" for name, n in found[:8])
    return shown + (", …" if len(found) > 8 else "")


def _check_target(engine: Engine, archive: Archive) -> str | None:
    """Refuse a database that holds anything but what its migrations and `forum init` put
    there: a restore never mixes a backup with other data. Its schema revision (None for a
    database without tables), which must not be newer than the backup's."""
    scripts = _scripts()
    with engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names())
        current = _revision(connection) if "alembic_version" in names else None
        ours = {name for name in names if _is_forum_table(name)}
        if current is None:
            if ours:
                raise BackupError(
                    "The database has tables but no Forum schema "
                    f"({', '.join(sorted(ours)[:5])}). Restore into a new, empty database."
                )
            return None
        counts = _table_counts(connection, ours)
    if any(counts.values()):
        untouched = _untouched_counts(current)
        if counts not in untouched:
            raise BackupError(
                "The database is not empty: it holds other rows than its migrations and "
                f"`forum init` add ({_described(counts, untouched[-1])}). Restore only into "
                "a new database, or one where nothing but `forum init` has run "
                "(PostgreSQL: dropdb and createdb; SQLite: a new file)."
            )
    try:
        path = _ancestry(scripts, archive.revision)
    except (CommandError, RevisionError) as error:
        raise BackupError(f"The backup's schema revision {archive.revision} cannot be "
                          f"reached here ({error}).") from error
    if current not in path:
        raise BackupError(
            f"The database's schema (revision {current}) is newer than the backup's "
            f"({archive.revision}). Restore into a new, empty database: the restore migrates "
            "it to the backup's revision and then upgrades it."
        )
    return current


def _reflect(connection: Connection) -> dict[str, Table]:
    metadata = sa.MetaData()
    metadata.reflect(bind=connection, only=lambda name, _meta: _is_forum_table(name))
    return dict(metadata.tables)


def _check_schema(archive: Archive, tables: dict[str, Table]) -> None:
    listed = archive.tables
    if set(listed) != set(tables):
        missing = sorted(set(tables) - set(listed))
        extra = sorted(set(listed) - set(tables))
        raise BackupError(
            f"The backup does not match its schema revision {archive.revision}: "
            + (f"tables missing from it: {', '.join(missing)}. " if missing else "")
            + (f"tables the schema lacks: {', '.join(extra)}." if extra else "")
        )
    for name, table in tables.items():
        wanted = {column.name for column in table.columns if column.computed is None}
        if set(listed[name].get("columns", [])) != wanted:
            raise BackupError(f"The backup's table {name} has other columns than schema "
                              f"revision {archive.revision} gives it.")


def _insert_rows(connection: Connection, stream: BinaryIO, table: Table, later: set[str],
                 pending: list[tuple[Table, dict[str, Any], dict[str, Any]]]) -> int:
    dialect = connection.dialect.name
    columns = [column for column in table.columns if column.computed is None]
    decoders = [(column.name, _decoder(column, dialect)) for column in columns]
    key = [column.name for column in table.primary_key.columns]
    if later and not key:
        raise BackupError(f"Table {table.name} refers to itself but has no primary key.")
    insert = table.insert()
    batch: list[dict[str, Any]] = []
    count = 0
    for line in stream:
        stored = json.loads(line)
        try:
            row = {name: decode(stored[name]) for name, decode in decoders}
        except KeyError as error:
            raise BackupError(f"A row of {table.name} lacks the column {error}.") from error
        if later:
            values = {name: row[name] for name in later if row[name] is not None}
            if values:
                pending.append((table, {name: row[name] for name in key}, values))
                row.update(dict.fromkeys(values))
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            connection.execute(insert, batch)
            batch = []
    if batch:
        connection.execute(insert, batch)
    return count


def _fill_in_later(connection: Connection,
                   pending: list[tuple[Table, dict[str, Any], dict[str, Any]]]) -> None:
    for table, key, values in pending:
        condition = sa.and_(*(table.c[name] == value for name, value in key.items()))
        connection.execute(table.update().where(condition).values(**values))


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: each serial or identity column's sequence continues after the largest
    value restored (inserting explicit ids does not move it)."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    found = connection.execute(sa.text(
        "SELECT table_name, column_name, "
        "pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL"
    )).all()
    for table, column, sequence in found:
        connection.execute(
            sa.text(f"SELECT setval(:sequence, COALESCE((SELECT max({quote(column)}) "
                    f"FROM {quote(table)}), 0) + 1, false)"),
            {"sequence": sequence},
        )


def rebuild_search(connection: Connection) -> int:
    """Fill SQLite's full-text table from document_texts, as search.index does one
    document at a time; PostgreSQL's tsvector is a generated column. The number of
    documents indexed."""
    from forum.material import search
    from forum.material.models import DocumentText

    texts = DocumentText.__table__
    total = connection.execute(select(func.count()).select_from(texts)).scalar_one()
    if connection.dialect.name != "sqlite":
        return total
    connection.execute(sa.delete(search.FTS))
    last = None
    while True:
        # A few at a time: one document's text can be half a million characters.
        statement = select(texts.c.document_id, texts.c.title, texts.c.description,
                           texts.c.body).order_by(texts.c.document_id).limit(50)
        if last is not None:
            statement = statement.where(texts.c.document_id > last)
        rows = connection.execute(statement).all()
        if not rows:
            return total
        connection.execute(sa.insert(search.FTS), [
            {"rowid": row.document_id, "title": " ".join(search.stems(row.title or "")),
             "description": " ".join(search.stems(row.description or "")),
             "body": " ".join(search.stems(row.body or ""))}
            for row in rows
        ])
        last = rows[-1].document_id


def _copy(source: BinaryIO, target: BinaryIO) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def _restore_files(archive: tarfile.TarFile, listed: dict[str, dict[str, Any]],
                   blob_store: LocalBlobStore, storage_root: Path,
                   undo: list[Callable[[], None]], summary: RestoreSummary) -> None:
    storage_root.mkdir(parents=True, exist_ok=True)
    for member in archive.getmembers():  # in the archive's order: one pass, no seeking back
        name = member.name
        blob, stored = BLOB_MEMBER.match(name), STORAGE_MEMBER.match(name)
        if not (blob or stored) or name not in listed:
            continue
        expected = listed[name]["sha256"]
        source = archive.extractfile(member)
        assert source is not None
        if blob:
            digest = blob.group(1)
            if blob_store.exists(digest):
                summary.already_there += 1
                continue
            fd, temporary = tempfile.mkstemp(dir=blob_store.incoming(), prefix="restore-")
        else:
            target = storage_root / stored.group(1)
            if target.exists():  # the same content: verify() compared it
                summary.already_there += 1
                continue
            fd, temporary = tempfile.mkstemp(dir=storage_root, prefix=".restore-")
        try:
            with os.fdopen(fd, "wb") as out:
                size, found = _copy(source, out)
            if found != expected:
                raise BackupError(f"{name} changed while it was restored.")
            if blob:
                if blob_store.put(Received(Path(temporary), size, digest)):
                    undo.append(lambda digest=digest: blob_store.delete(digest))
                summary.blobs += 1
            else:
                os.chmod(temporary, 0o640)
                os.replace(temporary, target)
                undo.append(lambda target=target: target.unlink(missing_ok=True))
                summary.stored += 1
            summary.file_bytes += size
        finally:
            Path(temporary).unlink(missing_ok=True)  # still there when not moved into place


def restore(engine: Engine, path: Path, *, blob_store: LocalBlobStore,
            storage_root: Path) -> RestoreSummary:
    """Check the archive, then restore it into an empty install (see the module's
    docstring). Nothing is written when the archive or the database is not right."""
    archive_info = verify(path, storage_root=storage_root)
    current = _check_target(engine, archive_info)
    scripts = _scripts()
    head = scripts.get_current_head()
    summary = RestoreSummary(archive_info, engine.dialect.name)
    undo: list[Callable[[], None]] = []
    try:
        with engine.begin() as connection, _open(Path(path)) as archive:
            if current != archive_info.revision:
                command.upgrade(migrate.alembic_config(connection), archive_info.revision)
            tables = _reflect(connection)
            _check_schema(archive_info, tables)
            order, later = dependency_order(tables.values())
            # What the migrations and `forum init` added makes way for the backup's rows.
            for table in reversed(order):
                if connection.execute(select(sa.exists().select_from(table))).scalar():
                    connection.execute(table.delete())
                    summary.replaced.append(table.name)
            pending: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []
            listed = archive_info.tables
            for table in order:
                stream = archive.extractfile(archive.getmember(listed[table.name]["member"]))
                assert stream is not None
                summary.tables[table.name] = _insert_rows(
                    connection, stream, table, later[table.name], pending)
                if summary.tables[table.name] != listed[table.name]["rows"]:
                    raise BackupError(f"{table.name}: restored {summary.tables[table.name]} "
                                      f"rows, the manifest says {listed[table.name]['rows']}.")
            _fill_in_later(connection, pending)
            _reset_sequences(connection)
            if archive_info.revision != head:
                command.upgrade(migrate.alembic_config(connection), "head")
                summary.upgraded_to = head
            summary.indexed = rebuild_search(connection)
            summary.waiting_mail = _waiting_mail(connection)
            _restore_files(archive, archive_info.manifest["members"], blob_store,
                           storage_root, undo, summary)
    except BaseException as error:
        for step in reversed(undo):
            step()
        if isinstance(error, SQLAlchemyError | OSError | tarfile.TarError | zlib.error
                      | EOFError | ValueError):
            raise BackupError(f"The restore failed and was rolled back: {_reason(error)}") \
                from error
        raise
    # The planner's statistics for the tables just filled: SQLite gathers none by itself,
    # and PostgreSQL's autovacuum would only a while later.
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    return summary


def _reason(error: BaseException) -> str:
    """The first line of what went wrong, the database's own words when it refused."""
    found = getattr(error, "orig", None) or error
    return (str(found).strip().splitlines() or [type(found).__name__])[0]


def _waiting_mail(connection: Connection) -> int:
    from forum.mail_models import OutboxMessage, OutboxStatus

    return connection.execute(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
    ).scalar_one()


# --- from the app ----------------------------------------------------------------------------


def _file_stores() -> tuple[LocalBlobStore, Path]:
    from forum import blobs, storage

    found = blobs.store()
    if not isinstance(found, LocalBlobStore):
        raise BackupError("Backups cover a local BLOB_STORAGE_PATH only; back up this "
                          "file store with its own tools.")
    return found, storage.root()


def backup_app(destination: Path) -> BackupSummary:
    from forum.db import db

    blob_store, storage_root = _file_stores()
    return backup(db.engine, destination, blob_store=blob_store, storage_root=storage_root)


def restore_app(path: Path) -> RestoreSummary:
    from forum.db import db

    blob_store, storage_root = _file_stores()
    return restore(db.engine, path, blob_store=blob_store, storage_root=storage_root)


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return ""
