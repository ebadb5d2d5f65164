"""Backup and restore: the PostgreSQL database (``pg_dump`` custom format) plus the media files.

A backup is a folder holding ``database.dump``, ``media.tar.gz`` and ``manifest.json`` (what was
backed up, when, and the SHA-256 of both files). ``restore`` checks those hashes before it
touches anything, restores the dump into a database that must exist and be empty (a new
database: restoring over live data is refused) and unpacks the media into a folder that must
be empty or missing. Used by ``manage.py backup`` and ``manage.py restore``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    database: str
    files: dict[str, str]  # file name -> SHA-256


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment (password via PGPASSWORD, never on the command line)."""
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432),
            "--username", str(db.get("USER") or "postgres")]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return found


def backup(destination: Path, *, media_root: Path | None = None) -> Manifest:
    """Write a backup of the default database and the media files into ``destination``."""
    if connection.vendor != "postgresql":
        raise BackupError("Backups are taken of PostgreSQL databases (pg_dump).")
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; give a new folder for each backup.")
    db = connection.settings_dict
    args, env = _pg_env(db)
    dump = destination / DUMP
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
         "--file", str(dump), str(db["NAME"])],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    media = Path(media_root or settings.MEDIA_ROOT)
    archive = destination / MEDIA
    with tarfile.open(archive, "w:gz") as tar:
        if media.exists():
            for child in sorted(media.iterdir()):
                tar.add(child, arcname=child.name)
    manifest = Manifest(
        created_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        database=str(db["NAME"]),
        files={DUMP: sha256_of(dump), MEDIA: sha256_of(archive)},
    )
    (destination / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=2) + "\n")
    return manifest


def read_manifest(source: Path) -> Manifest:
    try:
        data = json.loads((source / MANIFEST).read_text())
        manifest = Manifest(created_at=data["created_at"], database=data["database"], files=data["files"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{source} holds no readable backup manifest ({MANIFEST}).") from exc
    for name, expected in manifest.files.items():
        path = source / name
        if not path.exists() or sha256_of(path) != expected:
            raise BackupError(f"{name} in {source} does not match its SHA-256 in the manifest.")
    return manifest


def restore(source: Path, *, database: dict[str, Any], media_root: Path) -> Manifest:
    """Restore the backup in ``source`` into ``database`` (empty) and ``media_root`` (empty)."""
    manifest = read_manifest(source)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty; restore media into a new folder.")
    args, env = _pg_env(database)
    check = subprocess.run(  # noqa: S603
        [_tool("psql"), *args, "--dbname", str(database["NAME"]), "--tuples-only", "--no-align",
         "--command", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=env, capture_output=True, text=True, check=False,
    )
    if check.returncode != 0:
        raise BackupError(f"Cannot reach the target database: {check.stderr.strip()}")
    if check.stdout.strip() not in ("0", ""):
        raise BackupError(f"Database {database['NAME']} already has tables; restore into a new, empty one.")
    result = subprocess.run(  # noqa: S603
        [_tool("pg_restore"), *args, "--dbname", str(database["NAME"]), "--no-owner", "--no-privileges",
         "--exit-on-error", str(source / DUMP)],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    return manifest
