from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media files into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="A new, empty folder for this backup.")
        parser.add_argument("--media-root", default=None, help="Media folder (default: MEDIA_ROOT).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(Path(options["output"]),
                              media_root=Path(options["media_root"]) if options["media_root"] else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name, digest in manifest.files.items():
            self.stdout.write(f"{name}  sha256 {digest}")
        self.stdout.write(self.style.SUCCESS(f"Backed up database {manifest.database} to {options['output']}."))
