"""`forum backup` and `forum restore`: the demo forum, with a little more, goes into an
archive and comes back into the other kind of database (SQLite → PostgreSQL, PostgreSQL →
SQLite) with every row and every file the same and search working; a database that holds
data, and a damaged archive, are refused with nothing written; a backup taken while Forum
writes is one moment's state.

These tests use databases of their own (a SQLite file per test; on the suite's PostgreSQL
server the databases forum_backup_*), since a backup reads through its own connection and
must see committed data."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from suite_support import _reset_postgres, make_test_app, postgres_url
from sqlalchemy import JSON, create_engine, event, func, insert, null, select, text, update
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage

from forum import backup, migrate
from forum.db import database_url, db, make_engine
from forum.timeutil import utcnow

OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Regionstyrelsens beslut\n%%EOF\n"


# --- databases and installs ------------------------------------------------------------------


def own_postgres(name: str) -> str:
    """forum_backup_<name> on the suite's PostgreSQL server, created if need be, emptied."""
    suite = make_url(postgres_url())
    url = suite.set(database=f"forum_backup_{name}").render_as_string(hide_password=False)
    admin = create_engine(database_url(suite.render_as_string(hide_password=False), "."),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": f"forum_backup_{name}"})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "forum_backup_{name}"'))
    admin.dispose()
    _reset_postgres(url)
    return url


def new_database(kind: str, folder: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / (name + '.sqlite')}"
    return own_postgres(name)


class Install:
    """An app on its own database and its own file stores, committing for real."""

    def __init__(self, url: str, folder: Path):
        self.folder = folder
        self.blobs = folder / "blobs"
        self.files = folder / "files"
        self.app = make_test_app(url, BLOB_STORAGE_PATH=str(self.blobs),
                                 STORAGE_PATH=str(self.files))

    @property
    def engine(self):
        return self.app.extensions["forum.db"]["engine"]

    def forum(self, *args: str):
        return self.app.test_cli_runner().invoke(args=["forum", *args])

    def close(self) -> None:
        self.engine.dispose()


def contents(engine) -> dict[str, list]:
    """Every row of every table as the models read it (SQL NULL and JSON null told apart),
    and the schema revision."""
    found: dict[str, list] = {}
    with engine.connect() as connection:
        for table in backup.model_tables():
            columns = list(table.columns)
            order = list(table.primary_key.columns) or columns
            found[table.name] = [tuple(row) for row in connection.execute(
                select(*columns).order_by(*order))]
            for column in columns:
                if isinstance(column.type, JSON) and column.nullable:
                    found[f"{table.name}.{column.name} IS NULL"] = [
                        bool(value) for value in connection.scalars(
                            select(column.is_(None)).order_by(*order))]
        found["alembic_version"] = [migrate.current(engine)]
    return found


def stored(install: Install) -> dict[str, str]:
    """Every stored file (uploads in progress aside) and the SHA-256 of its bytes."""
    found = {}
    for root in (install.blobs, install.files):
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file() and "incoming" not in path.relative_to(root).parts:
                    found[f"{root.name}/{path.relative_to(root)}"] = hashlib.sha256(
                        path.read_bytes()).hexdigest()
    return found


def enrich(install: Install) -> None:
    """What the demo lacks: a decision file in STORAGE_PATH, a calendar token, an audit
    entry with SQL NULLs, a meeting that prepares one with a higher id, awkward text, an
    e-mail waiting in the outbox."""
    from forum.accounts.models import Account
    from forum.audit.models import AuditEntry
    from forum.calendars.feeds import issue_token
    from forum.mail_models import OutboxMessage
    from forum.meetings.models import Meeting
    from forum.proposals.services import propose
    from forum.roster.models import Body, Person, Region, Seat

    with install.app.test_request_context():
        session = db.session
        contact = session.scalar(select(Account).where(Account.contact_region_id.is_not(None)))
        region = session.get(Region, contact.contact_region_id)
        seat = session.scalar(select(Seat).join(Body).where(Body.slug == "tjanstepersonsforum"))
        propose(
            session, by=contact, region=region, seat=seat, person=None,
            new_person={"given_name": "Märta", "family_name": "Öberg-Ångström"},
            party="", start_date=utcnow().date(), decision_reference="RS 2026/114",
            decision_file=FileStorage(io.BytesIO(PDF), filename="beslut.pdf"),
        )
        issue_token(session, contact)
        session.add(Person(given_name='Zoë "Zo" 😀', family_name="O'Brien",
                           note="Två rader:\nen\ttabb och ett \\ bakstreck"))
        session.add(OutboxMessage(message_id="<backup-test@forum.test>",
                                  to_address="kansliet@example.se", subject="Väntar",
                                  text_body="Hej!"))
        first, last = session.execute(select(func.min(Meeting.id), func.max(Meeting.id))).one()
        session.execute(update(Meeting).where(Meeting.id == first).values(prepares_id=last))
        session.execute(insert(AuditEntry).values(
            at=utcnow(), actor_label="system", action="backup_test", before=null(),
            after=null()))
        session.commit()


@dataclass
class Source:
    kind: str
    archive: Path
    rows: dict[str, list]
    files: dict[str, str]
    output: str


@pytest.fixture(scope="module")
def backup_of(tmp_path_factory):
    """backup_of("sqlite"): the demo forum, enriched, backed up (made once per module)."""
    made: dict[str, Source] = {}

    def get(kind: str) -> Source:
        if kind not in made:
            folder = tmp_path_factory.mktemp(f"source-{kind}")
            install = Install(new_database(kind, folder, "source"), folder)
            try:
                result = install.forum("demo")
                assert result.exit_code == 0, result.output
                enrich(install)
                # One archive plain, the other compressed: both are read alike.
                archive = folder / ("forum-backup.tar" if kind == "sqlite"
                                    else "forum-backup.tar.gz")
                result = install.forum("backup", str(archive))
                assert result.exit_code == 0, result.output
                made[kind] = Source(kind, archive, contents(install.engine), stored(install),
                                    result.output)
            finally:
                install.close()
        return made[kind]

    return get


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


# --- the round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_backup_restores_into_the_other_database_with_every_row_and_file(
    kind, backup_of, tmp_path
):
    from forum.material import search
    from forum.material.access import Reader
    from forum.material.models import DocumentText
    from forum.roster.models import Person

    source = backup_of(kind)
    # The source is rich: the demo and what enrich() added.
    rows = source.rows
    assert len(rows["documents"]) > 30 and len(rows["nominations"]) > 60
    assert len(rows["calendar_tokens"]) == 1 and len(rows["nomination_proposals"]) == 1
    assert any(path.startswith("files/") for path in source.files)
    assert sum(path.startswith("blobs/") for path in source.files) > 30
    assert True in rows["audit_log.before IS NULL"] and False in rows["audit_log.before IS NULL"]
    assert f"Database: {sum(len(rows[t.name]) for t in backup.model_tables()):,} rows" \
        in source.output

    # The manifest: the revision, every table of the models in dependency order with its
    # row count, a checksum per member.
    manifest = manifest_of(source.archive)
    assert manifest["revision"] == rows["alembic_version"][0]
    assert manifest["database"] == kind and manifest["app_version"] == backup.app_version()
    assert source.archive.read_bytes()[:2] == (b"\x1f\x8b" if kind == "postgresql"
                                               else b"da")  # gzip, or "database/…"
    tables = {table.name: table for table in backup.model_tables()}
    assert [entry["name"] for entry in manifest["tables"]] != []
    assert {entry["name"] for entry in manifest["tables"]} == set(tables)
    seen = set()
    for entry in manifest["tables"]:
        assert entry["rows"] == len(rows[entry["name"]])
        parents = {fk.column.table.name for fk in tables[entry["name"]].foreign_keys}
        assert parents - {entry["name"]} <= seen, entry["name"]
        seen.add(entry["name"])
    with tarfile.open(source.archive) as tar:
        for member in tar:
            if member.name != "manifest.json":
                data = tar.extractfile(member).read()
                assert manifest["members"][member.name]["sha256"] == \
                    hashlib.sha256(data).hexdigest()

    # Into the other kind of database: PostgreSQL after `forum init`, a new SQLite file.
    target_kind = OTHER[kind]
    folder = tmp_path / "target"
    folder.mkdir()
    target = Install(new_database(target_kind, folder, "target"), folder)
    try:
        if target_kind == "postgresql":
            assert target.forum("init").exit_code == 0
        result = target.forum("restore", str(source.archive))
        assert result.exit_code == 0, result.output
        assert f"from {kind}) into {target_kind}" in result.output
        assert f"Database: {sum(len(rows[t]) for t in tables):,} rows in {len(tables)} tables" \
            in result.output
        assert re.search(rf"^  people +{len(rows['people']):,}$", result.output, re.MULTILINE)
        assert "E-mails waiting in the outbox: 1 " in result.output

        assert contents(target.engine) == rows
        assert stored(target) == source.files

        with target.app.test_request_context():
            session = db.session
            # Search finds a document by a word of its text (the derived index was rebuilt).
            texts = session.scalars(select(DocumentText).order_by(DocumentText.document_id))
            found = 0
            for document_text in texts:
                words = [w for w in search.WORD.findall(document_text.body)
                         if len(w) > 11 and w.isalpha()]
                if not words:
                    continue
                hits = search.search(session, words[0], Reader(secretariat=True), limit=500)
                assert document_text.document_id in [hit.document.id for hit in hits], words[0]
                found += 1
                if found == 5:
                    break
            assert found == 5
            assert f"Search index rebuilt: {len(rows['document_texts'])} documents" \
                in result.output
            # New rows get new ids (PostgreSQL's sequences continue after the restored ones).
            person = Person(given_name="Ny", family_name="Efter återställningen")
            session.add(person)
            session.commit()
            assert person.id == max(row[0] for row in rows["people"]) + 1
    finally:
        target.close()


def as_older_forum_wrote_it(archive: Path, older: Path, revision: str,
                            schema: dict[str, set[str]]) -> None:
    """Rewrite an archive as a Forum at an older revision would have written it: only the
    tables and columns its schema had, its revision, checksums to match."""
    manifest = manifest_of(archive)
    manifest["revision"] = revision
    manifest["tables"] = [dict(entry, columns=[c for c in entry["columns"]
                                               if c in schema[entry["name"]]])
                          for entry in manifest["tables"] if entry["name"] in schema]
    kept = {entry["member"] for entry in manifest["tables"]}
    members = {}
    with tarfile.open(archive) as tar, tarfile.open(older, "w") as out:
        for member in tar:
            if member.name == "manifest.json" or (
                    member.name.startswith("database/") and member.name not in kept):
                continue
            data = tar.extractfile(member).read()
            if member.name.startswith("database/"):
                columns = schema[member.name[len("database/"):-len(".jsonl")]]
                data = b"".join(
                    json.dumps({k: v for k, v in json.loads(line).items() if k in columns},
                               ensure_ascii=False).encode() + b"\n"
                    for line in data.splitlines())
                member.size = len(data)
            members[member.name] = {"size": len(data),
                                    "sha256": hashlib.sha256(data).hexdigest()}
            out.addfile(member, io.BytesIO(data))
        manifest["members"] = members
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))


def test_a_backup_from_an_older_forum_is_restored_and_upgraded(backup_of, tmp_path):
    source = backup_of("sqlite")
    scripts = backup._scripts()
    head = scripts.get_current_head()
    older = scripts.get_revision(head).down_revision
    scratch = make_engine(database_url(f"sqlite:///{tmp_path / 'older.sqlite'}", "."))
    migrate.upgrade(scratch, older)
    with scratch.connect() as connection:
        inspector = sa.inspect(connection)
        schema = {name: {column["name"] for column in inspector.get_columns(name)}
                  for name in inspector.get_table_names() if backup._is_forum_table(name)}
    scratch.dispose()
    archive = tmp_path / "older.tar"
    as_older_forum_wrote_it(source.archive, archive, older, schema)

    folder = tmp_path / "target"
    folder.mkdir()
    target = Install(f"sqlite:///{folder / 'target.sqlite'}", folder)
    try:
        result = target.forum("restore", str(archive))
        assert result.exit_code == 0, result.output
        assert f"Schema upgraded from {older} to {head}." in result.output
        restored = contents(target.engine)
        assert restored["alembic_version"] == [head]
        for table in backup.model_tables():
            if schema.get(table.name) == {column.name for column in table.columns}:
                assert restored[table.name] == source.rows[table.name], table.name
            elif table.name in schema:  # changed by the newer migrations
                assert len(restored[table.name]) == len(source.rows[table.name]), table.name
        assert stored(target) == source.files
    finally:
        target.close()


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_restore_refuses_a_database_that_holds_data(target_kind, backup_of, tmp_path):
    source = backup_of("sqlite")
    target = Install(new_database(target_kind, tmp_path, "target"), tmp_path)
    try:
        assert target.forum("init").exit_code == 0
        assert target.forum("create-admin", "admin@example.se", "--invite").exit_code == 0
        before = contents(target.engine)

        result = target.forum("restore", str(source.archive))

        assert result.exit_code == 1
        assert "Nothing was restored. The database is not empty" in result.output
        assert "accounts: +1, audit_log: +1, people: +1" in result.output
        assert contents(target.engine) == before
        assert stored(target) == {}
    finally:
        target.close()


def _rewrite(archive: Path, damaged: Path, *, leave_out: str = "", manifest=None) -> None:
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w") as out:
        for member in tar:
            if member.name == leave_out:
                continue
            data = tar.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                changed = json.loads(data)
                manifest(changed)
                data = json.dumps(changed).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def _flip_a_byte(archive: Path, damaged: Path, prefix: str) -> str:
    damaged.write_bytes(archive.read_bytes())
    with tarfile.open(damaged) as tar:
        member = next(m for m in tar if m.name.startswith(prefix) and m.size > 100)
    with open(damaged, "r+b") as raw:
        raw.seek(member.offset_data + member.size // 2)
        byte = raw.read(1)
        raw.seek(-1, 1)
        raw.write(bytes([byte[0] ^ 0x01]))
    return member.name


def damage(kind: str, archive: Path, damaged: Path) -> str:
    """Damage a copy of the archive; the words the refusal must contain."""
    if kind == "byte_in_rows":
        return _flip_a_byte(archive, damaged, "database/people")
    if kind == "byte_in_a_file":
        return _flip_a_byte(archive, damaged, "files/blobs/")
    if kind == "member_missing":
        _rewrite(archive, damaged, leave_out="database/meetings.jsonl")
        return "database/meetings.jsonl"
    if kind == "truncated":
        data = archive.read_bytes()
        damaged.write_bytes(data[: len(data) // 2])
        return "incomplete"
    if kind == "newer_schema":
        _rewrite(archive, damaged, manifest=lambda m: m.update(revision="9999"))
        return "newer Forum"
    if kind == "row_count":
        def fewer(m):
            next(t for t in m["tables"] if t["name"] == "regions")["rows"] = 20
        _rewrite(archive, damaged, manifest=fewer)
        return "database/regions.jsonl holds 21 rows, its manifest says 20"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["byte_in_rows", "byte_in_a_file", "member_missing",
                                  "truncated", "newer_schema", "row_count"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(kind, backup_of, tmp_path):
    source = backup_of("sqlite")
    damaged = tmp_path / "damaged.tar"
    words = damage(kind, source.archive, damaged)
    database = tmp_path / "target.sqlite"
    target = Install(f"sqlite:///{database}", tmp_path)
    try:
        result = target.forum("restore", str(damaged))
        assert result.exit_code == 1, result.output
        assert "Nothing was restored." in result.output and words in result.output
        assert not database.exists()  # the database was not even opened
        assert stored(target) == {}
        # The undamaged archive restores.
        assert target.forum("restore", str(source.archive)).exit_code == 0
    finally:
        target.close()


def test_a_damaged_archive_leaves_a_postgresql_database_untouched(backup_of, tmp_path):
    source = backup_of("sqlite")
    damaged = tmp_path / "damaged.tar"
    words = damage("byte_in_rows", source.archive, damaged)
    target = Install(own_postgres("target"), tmp_path)
    try:
        result = target.forum("restore", str(damaged))
        assert result.exit_code == 1 and words in result.output
        with target.engine.connect() as connection:
            assert connection.scalar(text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema()")) == 0
    finally:
        target.close()


# --- a backup while Forum runs ---------------------------------------------------------------


def test_a_backup_taken_while_forum_writes_is_one_moment(tmp_path):
    """PostgreSQL: rows committed by someone else while the backup reads are not in it,
    neither in the tables it has read nor in those it has yet to read."""
    from forum.audit.models import AuditEntry
    from forum.roster.models import Organisation, OrganisationKind, Person

    install = Install(own_postgres("snapshot"), tmp_path)
    other = make_engine(database_url(install.app.config["DATABASE_URL"], "."))
    written = []

    def write_meanwhile(conn, cursor, statement, parameters, context, executemany):
        if written or "FROM people" not in statement:
            return
        written.append(statement)
        with other.begin() as connection:  # another connection, committed at once
            connection.execute(insert(Organisation).values(
                name="Nya myndigheten", kind=OrganisationKind.AGENCY))
            connection.execute(insert(Person).values(given_name="Under",
                                                     family_name="Säkerhetskopieringen"))
            connection.execute(insert(AuditEntry).values(action="meanwhile"))

    try:
        assert install.forum("init").exit_code == 0
        before = contents(install.engine)
        event.listen(install.engine, "before_cursor_execute", write_meanwhile)
        archive = tmp_path / "while-running.tar"
        result = install.forum("backup", str(archive))
        event.remove(install.engine, "before_cursor_execute", write_meanwhile)
        assert result.exit_code == 0, result.output
        assert written, "the backup never read the people table"
        after = contents(install.engine)
        assert len(after["people"]) == len(before["people"]) + 1  # it did commit

        counts = {t["name"]: t["rows"] for t in manifest_of(archive)["tables"]}
        assert counts == {name: len(before[name]) for name in counts}
        assert counts["organisations"] == len(before["organisations"])  # read before
        assert counts["people"] == 0 and counts["audit_log"] == 0  # read after
    finally:
        install.close()
        other.dispose()


# --- the parts -------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_every_kind_of_value_comes_back_as_it_was(dialect):
    cases = [
        (sa.Numeric(10, 2), Decimal("1234.50")),
        (sa.LargeBinary(), b"\x00\xff\n binary"),
        (sa.Double(), 0.1 + 0.2),
        (sa.Boolean(), False),
        (sa.Integer(), 2**40),
        (sa.String(), 'Åsa "citat"\n\ttabb 😀'),
        (sa.Date(), date(2028, 2, 29)),
        (sa.Time(), time(9, 30, 15, 120)),
        (sa.DateTime(timezone=True), datetime(2026, 3, 29, 1, 30, 5, 7, tzinfo=UTC)),
        (sa.DateTime(), datetime(2026, 10, 25, 2, 30)),
    ]
    for kind, value in cases:
        written = json.loads(json.dumps(backup._encode(value)))
        back = backup._decoder(sa.Column("x", kind), dialect)(written)
        if dialect == "sqlite" and isinstance(value, datetime):
            value = value.replace(tzinfo=None)  # SQLite keeps UTC without an offset
        assert back == value and type(back) is type(value), (kind, written)
        assert backup._decoder(sa.Column("x", kind), dialect)(None) is None
    # A JSON column: SQL NULL, JSON null and a document stay apart.
    decode = backup._decoder(sa.Column("x", sa.JSON()), dialect)
    assert decode(None) is None
    assert decode("null") is sa.JSON.NULL
    assert decode('{"före": [1, "två", null]}') == {"före": [1, "två", None]}


def test_tables_in_a_cycle_or_referring_to_themselves_get_those_columns_afterwards():
    metadata = sa.MetaData()
    sa.Table("a", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("b_id", sa.ForeignKey("b.id")))
    sa.Table("b", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a_id", sa.ForeignKey("a.id")))
    sa.Table("c", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("parent_id", sa.ForeignKey("c.id")),
             sa.Column("a_id", sa.ForeignKey("a.id")))
    order, later = backup.dependency_order(metadata.tables.values())
    names = [table.name for table in order]
    assert sorted(names) == ["a", "b", "c"]
    assert later["c"] == {"parent_id"}
    assert later["a"] | later["b"]  # the cycle is broken somewhere
    # Whatever is inserted at once refers only to tables inserted before.
    for table in order:
        for fk in table.foreign_keys:
            if fk.parent.name not in later[table.name]:
                assert names.index(fk.column.table.name) < names.index(table.name)
