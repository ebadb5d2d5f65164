"""Backup and restore on PostgreSQL: the demo backed up, restored into a new database and a new
media folder, where ``ledger_check`` passes and every archived report still matches its SHA-256."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from operations.backup import MANIFEST, BackupError, backup, restore
from reporting.models import ReportArtifact

ROOT = Path(__file__).resolve().parents[2]


def _url(db: dict, name: str) -> str:
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def new_database():
    """A new, empty PostgreSQL database, dropped afterwards."""
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(_url(db, "postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**db, "NAME": name}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_the_demo_backs_up_and_restores_with_its_ledger_and_reports_intact(tmp_path, settings, new_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    artifacts = list(ReportArtifact.objects.values_list("file", "sha256"))
    assert artifacts, "the demo archives a compliance report"

    manifest = backup(tmp_path / "backup")
    assert set(manifest.files) == {"database.dump", "media.tar.gz"}
    assert (tmp_path / "backup" / MANIFEST).exists()

    restored_media = tmp_path / "restored-media"
    restore(tmp_path / "backup", database=new_database, media_root=restored_media)

    # The restored database on its own: ledger_check in a separate process.
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test",
                        "DATABASE_URL": _url(new_database, new_database["NAME"]),
                        "MEDIA_ROOT": str(restored_media)}
    check = subprocess.run([sys.executable, "manage.py", "ledger_check"], cwd=ROOT, env=env,  # noqa: S603
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    assert "Ledger OK" in check.stdout

    # Every archived report in the restored database matches its file in the restored media.
    with psycopg.connect(_url(new_database, new_database["NAME"])) as restored:
        rows = restored.execute("SELECT file, sha256 FROM reporting_reportartifact ORDER BY id").fetchall()
    assert sorted(rows) == sorted(artifacts)
    for name, digest in rows:
        assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == digest


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_backup_and_a_database_with_tables(tmp_path, settings, new_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "note.txt").write_text("kept")
    backup(tmp_path / "backup")

    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "backup")

    db = connection.settings_dict  # the test database itself has tables
    with pytest.raises(BackupError, match="already has tables"):
        restore(tmp_path / "backup", database=dict(db), media_root=tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()

    (tmp_path / "backup" / "media.tar.gz").write_bytes(b"tampered")
    with pytest.raises(BackupError, match="does not match its SHA-256"):
        restore(tmp_path / "backup", database=new_database, media_root=tmp_path / "restored")
    with psycopg.connect(_url(new_database, new_database["NAME"])) as untouched:
        count = untouched.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert count == (0,)
