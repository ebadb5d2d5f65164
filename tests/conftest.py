"""Shared fixtures. Tests run on PostgreSQL (config.settings.test)."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


#: Fixtures that start a process, and the marker a test using one must carry (so ``-m`` selects
#: exactly the tests that start it).
PROCESS_FIXTURE_MARKERS = {"celery_worker_process": "celery_worker"}


def unmarked_process_tests(items: list[pytest.Item]) -> list[str]:
    """The tests that use a process-starting fixture without that fixture's marker."""
    return [
        f"{item.nodeid} uses {fixture} but is not marked @pytest.mark.{marker}"
        for item in items
        for fixture, marker in PROCESS_FIXTURE_MARKERS.items()
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test that starts a worker without its marker; give every transactional test a
    serialized rollback.

    A transactional test ends by emptying every table, including the rows that
    migrations seed (counties, reinvestment policies, voting rules). Serialized
    rollback puts them back, so every test sees a freshly migrated database
    whatever ran before it.
    """
    unmarked = unmarked_process_tests(items)
    if unmarked:
        raise pytest.UsageError("tests without the marker of the process they start:\n  "
                                + "\n  ".join(unmarked))
    for item in items:
        if is_transactional(item):
            marker = item.get_closest_marker("django_db")
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
            if "_reseed_at_session_end" not in item.fixturenames:  # type: ignore[attr-defined]
                item.fixturenames.append("_reseed_at_session_end")  # type: ignore[attr-defined]


def is_transactional(item: pytest.Item) -> bool:
    """Does the test run outside a transaction (its database is emptied when it ends)?"""
    marker = item.get_closest_marker("django_db")
    uses_fixture = {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    return bool((marker and marker.kwargs.get("transaction")) or uses_fixture)


def is_test_database(settings_dict: dict) -> bool:  # type: ignore[type-arg]
    """Is the connection pointed at a test database (the settings' TEST NAME, or ``test_<name>``)?"""
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = str(settings_dict["NAME"])
    test_name = (settings_dict.get("TEST") or {}).get("NAME")
    return name == test_name if test_name else name.startswith(TEST_DATABASE_PREFIX)


#: The rows of the freshly migrated test database (migrations' seeds), taken once per session
#: before any test runs (``_pristine_rows``).
PRISTINE: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _pristine_rows(django_db_setup, django_db_blocker) -> None:  # noqa: ARG001
    """Keep a copy of the seeded rows as the session starts.

    Serialized rollback relies on the copy the test runner keeps on the connection; that copy
    is not always there when a transactional test starts, and a test then finds the tables a
    previous transactional test emptied. ``_seeded_after_flush`` restores them from this copy.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        for conn in connections.all():
            # pytest-django sets up only the databases the collected tests use: a run of tests
            # that use none has no test database to copy (and must not read the real one).
            if is_test_database(conn.settings_dict):
                PRISTINE[conn.alias] = conn.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _seeded_after_flush(request: pytest.FixtureRequest, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """Before a transactional test: when an earlier one left the seeded tables empty, load the
    seeded rows again (as a serialized rollback does)."""
    if not is_transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    from organizations.models import County

    with django_db_blocker.unblock():
        if not County.objects.exists() and PRISTINE.get("default"):
            reseed_database()


def reseed_database() -> None:
    """Put back the rows the test database held before the first test (migrations' seeds:
    counties, policies, lines of business, voting rules...).

    A transactional test ends by emptying every table; the next one puts the rows back when it
    starts (serialized rollback), but after the last one nothing does, and a later run with
    ``--reuse-db`` would start from the empty tables. The tables are emptied first (as a
    transactional test's teardown does, without the post-migrate rows such as content types,
    which the serialized rows carry with their own keys), then the rows are loaded again.
    """
    from django.core.management import call_command
    from django.db import connections

    for conn in connections.all():
        contents = PRISTINE.get(conn.alias) or getattr(conn, "_test_serialized_contents", None)
        if contents:
            call_command("flush", verbosity=0, interactive=False, database=conn.alias,
                         reset_sequences=False, allow_cascade=False, inhibit_post_migrate=True)
            conn.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def _reseed_at_session_end(django_db_setup, django_db_blocker) -> Iterator[None]:  # noqa: ARG001
    """Requested by every transactional test: reseeds the database once the session ends."""
    yield
    with django_db_blocker.unblock():
        reseed_database()


@pytest.fixture
def celery_worker_process(transactional_db, settings) -> Iterator[str]:  # noqa: ARG001
    """A real Celery worker process on the Redis broker, using the test database.

    Tasks are routed to a queue private to this test, so no other worker takes them.
    Yields the queue name; tasks sent while the fixture is active go there.
    """
    from config.celery_app import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(settings.EMAIL_FILE_PATH),
    }
    log = ROOT / "var" / f"worker-{queue}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in log.read_text():
                break
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{log.read_text()}")
            time.sleep(0.2)
        else:
            raise RuntimeError(f"worker did not start:\n{log.read_text()}")
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> Iterator[None]:
    """Content type ids are cached per process; a transactional test's flush and restore can
    leave the cache pointing at rows that no longer exist, so every test starts with it empty."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the site's default language: a page asked for in Spanish activates it for
    the thread (``LocaleMiddleware`` does not switch back), and a service message read by a later test
    would otherwise be in Spanish."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
