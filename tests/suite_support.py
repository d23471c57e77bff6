"""The test suite's database and app helpers, importable by any test module (tests/conftest.py
uses them; `from conftest import …` would be ambiguous beside tests/e2e/conftest.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from forum import create_app
from forum.db import database_url

# The password of every account the factories make.
PASSWORD = "correct horse battery staple"

POSTGRES_URL_VARIABLE = "FORUM_TEST_POSTGRES_URL"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        message = f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (see README, Tests)"
        if IN_CI:
            pytest.fail(message + "; in CI a missing PostgreSQL is a failure")
        pytest.skip(message)
    return url


def _reset_postgres(url: str) -> None:
    engine = create_engine(database_url(url, "."))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# Uploaded and stored files of the whole run, kept out of the project's instance folder.
TEST_FILES = Path(tempfile.mkdtemp(prefix="forum-test-files-"))


def make_test_app(database_url_: str, **config):
    settings = {
        "STORAGE_PATH": str(TEST_FILES / "files"),
        "BLOB_STORAGE_PATH": str(TEST_FILES / "blobs"),
        "TESTING": True,
        "FORUM_ENV": "development",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url_,
        "WTF_CSRF_ENABLED": False,
        # Mail stays in the outbox unless a test delivers it (see the smtp_server fixture).
        "MAIL_DELIVERY": "worker",
        "MAIL_DEFAULT_SENDER": "Forum <forum@test.example>",
        "BASE_URL": "http://forum.test",
        # Answers kept in memory are tested on their own (tests/ops/test_answers.py).
        "ANSWER_CACHE_SECONDS": 0,
    }
    settings.update(config)
    return create_app(settings)
