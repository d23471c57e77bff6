"""Material: what a 200 MB upload and its download cost the serving process in memory
(issue #6: growth under 50 MB). A fresh database (SQLite in a temporary folder, or an EMPTY
PostgreSQL database), one secretariat account and one meeting; gunicorn with one sync worker
as in production; a login over HTTP, the upload of a generated text file streamed from the
client (never whole in memory on either side) and its download, read in chunks and hashed.

    .venv/bin/python -m benchmarks.memory [--database-url postgresql://…] [--markdown] [--check]

The worker's memory comes from /proc/<pid>/status: VmRSS after a warm-up (the baseline),
VmHWM (the peak, which only grows) after each transfer, and VmRSS sampled every 50 ms
during each. It is a measurement, not a test: it exits 0 whatever the figures, unless
--check is given.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Self
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select
from sqlalchemy.engine import make_url

from benchmarks import dataset, report, server
from benchmarks.run import database_name, say
from forum import create_app, migrate, reference
from forum.accounts.models import Account
from forum.accounts.passwords import hash_password
from forum.db import db
from forum.material.models import DocumentKind, Visibility
from forum.meetings.models import Meeting, MeetingStatus
from forum.roster.models import Body, Person
from forum.timeutil import utcnow

MB = 1024 * 1024
EMAIL = "kansliet@bench.example.se"
PASSWORD = "minne-" + "0123456789"  # known, and long enough for the password rules
FILE_NAME = "underlag.txt"
CHUNK = 256 * 1024
SAMPLE_SECONDS = 0.05
SENTENCES = [
    "Regionerna redovisar hur arbetet med den regionala utvecklingsstrategin fortskrider.",
    "Forumet diskuterade kompetensförsörjningen på landsbygden och i de större städerna.",
    "Tillväxtverket presenterade en lägesbild av sammanhållningspolitikens program för åren.",
    "Ledamöterna betonade vikten av goda kommunikationer mellan län, kommuner och näringsliv.",
    "Nästa möte äger rum i Östersund, där värdregionen visar sitt arbete med grön omställning.",
    "Kansliet skickar ut underlagen två veckor före mötet och tar emot synpunkter skriftligen.",
    "Återrapporteringen till regeringen ska vara klar före årsskiftet enligt överenskommelsen.",
]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an EMPTY database to fill, e.g. "
                        "postgresql://forum:forum@127.0.0.1/forum_bench_mem (default: SQLite "
                        "in a temporary folder)")
    parser.add_argument("--size", type=int, default=200, help="the file's size in MB (200)")
    parser.add_argument("--limit", type=int, default=300,
                        help="MATERIAL_MAX_BYTES for the server, in MB (300)")
    parser.add_argument("--target", type=int, default=50,
                        help="the largest acceptable memory growth in MB (50)")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results as Markdown, for docs/performance.md")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the target or a check is missed")
    return parser.parse_args(argv)


# --- the database --------------------------------------------------------------------------


def prepare(app) -> int:
    """Schema and reference data as `forum init` makes them, a secretariat account and a
    meeting to attach the document to; the meeting's id."""
    with app.app_context():
        dataset.refuse_unless_empty(db.engine)
        migrate.upgrade(db.engine)
        reference.load(db.session)
        session = db.session
        body = session.scalars(select(Body).order_by(Body.id)).first()
        person = Person(given_name="Karin", family_name="Kansli", title="Handläggare",
                        email=EMAIL)
        session.add(person)
        session.flush()
        session.add(Account(person_id=person.id, email=EMAIL,
                            password_hash=hash_password(PASSWORD), is_secretariat=True))
        start = utcnow().replace(microsecond=0) + timedelta(days=30)
        meeting = Meeting(uid=str(uuid.uuid4()), body_id=body.id,
                          title=f"{body.name_sv}: mätning av minnet", start_at=start,
                          end_at=start + timedelta(hours=4), status=MeetingStatus.PLANNED)
        session.add(meeting)
        session.commit()
        return meeting.id


# --- gunicorn with one sync worker --------------------------------------------------------


def command(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "1", "-k", "sync",
            "-b", f"127.0.0.1:{port}", "app:app"]


@contextmanager
def gunicorn(port: int, environment: dict[str, str], log: Path) -> Iterator[int]:
    """gunicorn serving the app until the block ends; its master's process id."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command(port), cwd=server.ROOT,
                                   env={**os.environ, **environment}, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        server._wait_until_healthy(process, port, log)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)  # the master stops its worker
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own process group (new session)
            process.wait()


def worker_pid(master: int) -> int:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(entry.name))
    if len(children) != 1:
        raise RuntimeError(f"gunicorn {master} has {len(children)} workers, not one")
    return children[0]


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) * 1024
    return found


def reset_peak(pid: int) -> bool:
    """Set VmHWM back to the current VmRSS (Linux 4.0 and later: `echo 5 >
    /proc/<pid>/clear_refs`, for a process of the same user); False where it cannot be."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Sampler:
    """VmRSS of a process every 50 ms in a thread, while the block runs."""

    def __init__(self, pid: int):
        self.pid = pid
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(memory(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> int:
        return max(self.samples, default=0)


# --- HTTP as a browser does it ------------------------------------------------------------


class Browser:
    """One client with its cookies, over a new connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def connection(self, timeout: float = 120) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=self._headers(headers))
            response = connection.getresponse()
            content = response.read()
            self._remember(response)
            return response.status, dict(response.getheaders()), content
        finally:
            connection.close()

    def csrf(self, path: str) -> str:
        status, _, page = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            rb'value="([^"]+)"[^>]*name="csrf_token"', page)
        if not found:
            raise RuntimeError(f"no csrf_token on {path}")
        return found.group(1).decode()

    def login(self) -> None:
        token = self.csrf("/login")
        body = urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD,
                          "next": ""}).encode()
        status, _, _ = self.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"logging in answered {status}, not a redirect")


# --- the file ----------------------------------------------------------------------------


class Generated:
    """Plain UTF-8 text of exactly `size` bytes, made on the fly in chunks, hashed while it
    is made; never whole in memory."""

    def __init__(self, size: int):
        self.size = size
        self.sha256 = hashlib.sha256()

    def chunks(self) -> Iterator[bytes]:
        left, number, buffer = self.size, 0, []
        while left > 0:
            length = 0
            while length < CHUNK:
                number += 1
                line = f"{number}. {SENTENCES[number % len(SENTENCES)]}\n".encode()
                buffer.append(line)
                length += len(line)
            chunk = b"".join(buffer)
            buffer = []
            if len(chunk) > left:
                # Cut at a character boundary and pad with spaces: still valid UTF-8.
                cut = chunk[:left].decode("utf-8", errors="ignore").encode()
                chunk = cut + b" " * (left - len(cut))
            left -= len(chunk)
            self.sha256.update(chunk)
            yield chunk


@dataclass
class Transfer:
    seconds: float = 0.0
    peak_hwm: int = 0
    sampled_peak: int = 0
    samples: int = 0
    status: int = 0
    location: str = ""
    sha256: str = ""
    size: int = 0
    reset: bool = False  # VmHWM set back to VmRSS just before the transfer


def upload(browser: Browser, meeting_id: int, token: str, file: Generated, pid: int) -> Transfer:
    """POST /material/new?meeting=<id> with the form's fields and the file, streamed as a
    multipart body with an exact Content-Length."""
    boundary = "----forum-bench-" + secrets.token_hex(12)
    fields = {"csrf_token": token, "title": "Ett stort underlag", "description": "",
              "kind": DocumentKind.BACKGROUND.value, "language": "sv",
              "visibility": Visibility.PARTICIPANTS.value, "meeting_id": str(meeting_id),
              "link_url": "", "note": "Mätning av minnet"}
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        .encode() for name, value in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="{FILE_NAME}"\r\nContent-Type: text/plain\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + file.size + len(tail)

    result = Transfer()
    result.reset = reset_peak(pid)
    connection = browser.connection(timeout=300)
    try:
        with Sampler(pid) as sampler:
            started = time.perf_counter()
            connection.putrequest("POST", f"/material/new?meeting={meeting_id}")
            headers = browser._headers({
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length)})
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            connection.send(head)
            for chunk in file.chunks():
                connection.send(chunk)
            connection.send(tail)
            response = connection.getresponse()
            response.read()
            result.seconds = time.perf_counter() - started
        browser._remember(response)
        result.status = response.status
        result.location = response.getheader("Location", "")
    finally:
        connection.close()
    result.sampled_peak, result.samples = sampler.peak, len(sampler.samples)
    result.peak_hwm = memory(pid)["VmHWM"]
    result.size = file.size
    result.sha256 = file.sha256.hexdigest()
    return result


def download(browser: Browser, document_id: int, pid: int) -> Transfer:
    """GET /material/<id>/file, read in chunks and hashed."""
    result = Transfer()
    result.reset = reset_peak(pid)
    digest = hashlib.sha256()
    connection = browser.connection(timeout=300)
    try:
        with Sampler(pid) as sampler:
            started = time.perf_counter()
            connection.request("GET", f"/material/{document_id}/file",
                               headers=browser._headers())
            response = connection.getresponse()
            while chunk := response.read(MB):
                digest.update(chunk)
                result.size += len(chunk)
            result.seconds = time.perf_counter() - started
        result.status = response.status
    finally:
        connection.close()
    result.sampled_peak, result.samples = sampler.peak, len(sampler.samples)
    result.peak_hwm = memory(pid)["VmHWM"]
    result.sha256 = digest.hexdigest()
    return result


# --- the run -----------------------------------------------------------------------------


@dataclass
class Results:
    baseline_rss: int
    baseline_hwm: int
    up: Transfer
    down: Transfer
    size: int
    target: int
    checks: list[tuple[str, bool]]

    def peak(self, transfer: Transfer) -> int:
        """The worker's peak during a transfer: VmHWM, set back to VmRSS just before it;
        where that cannot be done, VmHWM if the transfer raised it above the peak before,
        else the largest VmRSS sampled (the earlier peak hides the transfer's)."""
        if transfer.reset or transfer.peak_hwm > self.baseline_hwm:
            # The kernel's per-thread counters may lag a sample by a page or two.
            return max(transfer.peak_hwm, transfer.sampled_peak)
        return transfer.sampled_peak

    @property
    def growth(self) -> int:
        return max(self.peak(self.up), self.peak(self.down)) - self.baseline_rss

    @property
    def verdict(self) -> str:
        return "PASS" if self.growth < self.target else "FAIL"


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    size, target = args.size * MB, args.target * MB
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="forum-bench-memory-") as folder:
        url = args.database_url or f"sqlite:///{folder}/forum.sqlite"
        blob_root = Path(folder) / "blobs"
        port = server.free_port()
        environment = {
            "FORUM_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": url,
            "BASE_URL": f"http://127.0.0.1:{port}",
            "MAIL_BACKEND": "console",
            "BLOB_STORAGE_PATH": str(blob_root),
            "MATERIAL_MAX_BYTES": str(args.limit * MB),
        }
        os.environ.update(environment)
        app = create_app()
        say(f"Preparing {make_url(url).render_as_string()} …")
        try:
            meeting_id = prepare(app)
        except dataset.NotEmpty as refusal:
            say(f"Refused: {refusal}")
            return 2
        database = database_name(app)
        app.extensions["forum.db"]["engine"].dispose()

        with gunicorn(port, environment, Path(folder) / "gunicorn.log") as master:
            pid = worker_pid(master)
            browser = Browser(port)
            browser.login()
            token = browser.csrf(f"/material/new?meeting={meeting_id}")
            # Warm-up: the pages and code paths of the transfers once, small.
            browser.request("GET", f"/meetings/{meeting_id}")
            before = memory(pid)
            say(f"Worker {pid}: VmRSS {before['VmRSS'] / MB:.1f} MB. Uploading "
                f"{args.size} MB …")
            file = Generated(size)
            up = upload(browser, meeting_id, token, file, pid)
            checks: list[tuple[str, bool]] = []
            path = urlsplit(up.location).path
            found = re.fullmatch(r"/material/(\d+)", path)
            checks.append((f"upload answered {up.status} → {path or 'nowhere'}",
                           up.status == 302 and found is not None))
            if found is None:
                log = (Path(folder) / "gunicorn.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the upload answered {up.status} {up.location!r}:\n{log}")
            document_id = int(found.group(1))
            say(f"Downloading /material/{document_id}/file …")
            down = download(browser, document_id, pid)
            checks.append((f"download answered {down.status}, {down.size:,} bytes",
                           down.status == 200 and down.size == size))
            checks.append(("SHA-256 of the download = the upload's",
                           down.sha256 == up.sha256))
            stored = blob_root / up.sha256[:2] / up.sha256[2:4] / up.sha256
            kept = stored.stat().st_size if stored.is_file() else 0
            checks.append((f"stored blob {kept:,} bytes", kept == size))
            leftovers = list((blob_root / "incoming").iterdir())
            checks.append((f"incoming/ holds {len(leftovers)} files", not leftovers))
        results = Results(before["VmRSS"], before["VmHWM"], up, down, size, target, checks)

    failed = _print(args, results, report.machine(database, load_average))
    return 1 if args.check and failed else 0


def _mb(value: int) -> str:
    return f"{value / MB:,.1f} MB"


def _shown(argument: str) -> str:
    if "://" not in argument:
        return argument
    option, equals, url = argument.partition("=") if argument.startswith("--") else (
        "", "", argument)
    return option + equals + make_url(url).render_as_string()


def _print(args: argparse.Namespace, r: Results, machine: dict[str, str]) -> bool:
    command = " ".join([".venv/bin/python -m benchmarks.memory",
                        *(shlex.quote(_shown(a)) for a in sys.argv[1:] if a != "--markdown")])
    base = r.baseline_rss
    reset = r.up.reset and r.down.reset
    rows = [
        ("baseline VmRSS (before the upload)", _mb(base), "–", "–", "–"),
        ("upload", _mb(r.peak(r.up)), _mb(r.peak(r.up) - base),
         _mb(r.up.sampled_peak - base),
         f"{r.size / MB / r.up.seconds:,.1f} MB/s ({r.up.seconds:.1f} s)"),
        ("download", _mb(r.peak(r.down)), _mb(r.peak(r.down) - base),
         _mb(r.down.sampled_peak - base),
         f"{r.down.size / MB / r.down.seconds:,.1f} MB/s ({r.down.seconds:.1f} s)"),
    ]
    header = ("", "peak", "peak − baseline", "max sampled − baseline", "rate")
    how = (f"peak = VmHWM, set back to VmRSS (/proc/<pid>/clear_refs) just before each "
           f"transfer; before the first, VmHWM was {_mb(r.baseline_hwm)} (the login's "
           f"argon2 hash takes 64 MiB and gives it back)" if reset else
           f"VmHWM could not be set back: it was {_mb(r.baseline_hwm)} before the upload, "
           "and a transfer that did not raise it is measured by the samples")
    verdict = (f"Growth {_mb(r.growth)} (peak − baseline) against < {_mb(r.target)}: "
               f"{r.verdict}")
    problems = [name for name, ok in r.checks if not ok]
    checks = "; ".join(f"{name}: {'ok' if ok else 'FAILED'}" for name, ok in r.checks)
    served = ("gunicorn -w 1 -k sync (FORUM_ENV=production, MATERIAL_MAX_BYTES "
              f"{args.limit} MB)")
    facts = ", ".join(f"{k} {v}" for k, v in machine.items())
    if args.markdown:
        print(f"### {machine['database']}, {date.today().isoformat()}\n")
        print(f"`{command}`: {served}; a {args.size} MB text file ({FILE_NAME}) up and "
              f"down on loopback.\n")
        print(f"Machine: {facts}.\n")
        print("| " + " | ".join(header) + " |")
        print("|---|---:|---:|---:|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(f"\n- {verdict}.")
        print(f"- {how[0].upper()}{how[1:]}.")
        print(f"- VmRSS sampled every {SAMPLE_SECONDS * 1000:.0f} ms: {r.up.samples} samples "
              f"during the upload, {r.down.samples} during the download.")
        print(f"- Checks: {checks}.")
    else:
        print(f"\nMaterial, {r.size / MB:.0f} MB up and down, {machine['database']}: {served}")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
        for row in [header, *rows]:
            print("  ".join(str(c).ljust(w) if i == 0 or i == 4 else str(c).rjust(w)
                            for i, (c, w) in enumerate(zip(row, widths))))
        print(verdict)
        print(how[0].upper() + how[1:])
        print(f"VmRSS sampled every {SAMPLE_SECONDS * 1000:.0f} ms: {r.up.samples} samples "
              f"during the upload, {r.down.samples} during the download")
        print("Checks: " + checks)
        print(f"Machine: {facts}")
        print(f"Command: {command}")
    return r.verdict == "FAIL" or bool(problems)


if __name__ == "__main__":
    sys.exit(main())
