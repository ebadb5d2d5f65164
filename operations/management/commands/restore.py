from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup folder into a new, empty PostgreSQL database and an empty media folder. "
            "Then point DATABASE_URL and MEDIA_ROOT at them and run ledger_check.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="The backup folder (with manifest.json).")
        parser.add_argument("--database-url", required=True,
                            help="The new, empty database, e.g. postgres://user@host:5432/restored.")
        parser.add_argument("--media-root", required=True, help="A new, empty folder for the media files.")

    def handle(self, *args: Any, **options: Any) -> None:
        database = environ.Env.db_url_config(options["database_url"])
        try:
            manifest = restore(Path(options["input"]), database=database,
                               media_root=Path(options["media_root"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest.created_at} into {database['NAME']} and {options['media_root']}."))
