"""Import a plan's member months for one year from CSV (plan,county,month,member_months).

Prints a per-row report; when any row is bad it exits non-zero and writes nothing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.cli import acting_user, read_input_file
from organizations.models import Organization
from reinvestment.services import (
    MemberMonthImportError,
    member_months_import,
    read_csv,
)

from ._errors import message


class Command(BaseCommand):
    help = "Import member months by county and month from CSV: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV with header plan,county,month,member_months[,line_of_business].")
        parser.add_argument("--plan", required=True, help="Plan organization code.")
        parser.add_argument("--year", required=True, type=int, help="Income year of the months.")
        parser.add_argument("--line-of-business", default="",
                            help="Code of the line of business of rows naming none (default: the plan's Medicaid line).")
        parser.add_argument("--user", help="Username acting (must hold plan finance); default: the operator's command (system:command).")

    def handle(self, *args: Any, **opts: Any) -> None:
        plan = Organization.objects.filter(code=opts["plan"]).first()
        if plan is None:
            raise CommandError(f"No organization with code {opts['plan']!r}.")
        actor = acting_user(opts["user"])
        data = read_input_file(opts["file"])
        try:
            report = member_months_import(actor=actor, plan=plan, year=opts["year"], rows=read_csv(data),
                                          line_of_business=opts["line_of_business"] or None)
        except MemberMonthImportError as exc:
            for line in exc.report.lines():
                self.stderr.write(line)
            raise CommandError(f"{len(exc.report.errors)} bad row(s) in {opts['file']}: nothing was written.") from exc
        except ValidationError as exc:
            raise CommandError(message(exc)) from exc
        except PermissionError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"{len(report.rows)} rows checked, {report.written} county-months written.")
