"""Generate one document from the command line, with its data twin beside it.

    python manage.py generate_report community-reinvestment --plan CODE --year N [--policy CODE]
        [--line-of-business CODE] --output FILE.pdf
    python manage.py generate_report fund-statement --fund CODE --year N --output FILE.pdf
    python manage.py generate_report award-letter --award ID --output FILE.pdf
    python manage.py generate_report minutes --meeting ID --output FILE.pdf

A Community Reinvestment Report is of one obligation: ``--policy`` (and, when the policy
applies to several of the plan's lines of business, ``--line-of-business``) may be left out
only when the income year has one live obligation; otherwise the command lists the choices.

Writes FILE.pdf, FILE.json and FILE.zip (CSV tables). Nothing is stored in the
archive; use the web page or API to request an archived, attestable version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reporting.kinds import KINDS, document_kind


class Command(BaseCommand):
    help = "Generate a report PDF (and its JSON/CSV twin) from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--output", required=True, help="Path of the PDF to write.")
        parser.add_argument("--plan", help="Plan organization code (community-reinvestment).")
        parser.add_argument("--fund", help="Wellness fund code (fund-statement).")
        parser.add_argument("--year", help="Income year or fiscal year.")
        parser.add_argument("--policy", help="Policy code of the obligation, e.g. CA-DHCS (community-reinvestment).")
        parser.add_argument("--line-of-business", dest="line_of_business",
                            help="Line of business code of the obligation, e.g. medi-cal (community-reinvestment).")
        parser.add_argument("--award", help="Award id (award-letter).")
        parser.add_argument("--meeting", help="Meeting id (minutes).")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix.lower() != ".pdf":
            raise CommandError("--output must name a .pdf file.")
        if not output.parent.is_dir():
            raise CommandError(f"--output: folder {output.parent} does not exist.")
        dk = document_kind(options["kind"])
        given = {name: options[name] for name in ("plan", "fund", "year", "award", "meeting", "policy",
                                                  "line_of_business")
                 if options[name] is not None}
        try:
            params = dk.normalize(given)
            dk.resolve(params)
            params = dk.completed(params)
            data = dk.collect(params)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        report_id = dk.report_id(params, 0).removesuffix("-v0")
        pdf, twin = dk.render(data, report_id=report_id, version=0, generated_at=timezone.localtime(),
                              draft=dk.attestable)
        twin_json, twin_zip = twin.json, twin.zip
        output.write_bytes(pdf)
        output.with_suffix(".json").write_bytes(twin_json)
        output.with_suffix(".zip").write_bytes(twin_zip)
        self.stdout.write(f"Wrote {output} ({len(pdf)} bytes), {output.with_suffix('.json')} and "
                          f"{output.with_suffix('.zip')}.")
