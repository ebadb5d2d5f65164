"""Verify every ledger invariant; exits non-zero naming each violation (see selectors.integrity)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wellness_fund.models import WellnessFund
from wellness_fund.selectors.integrity import ledger_violations


class Command(BaseCommand):
    help = "Check the wellness fund ledger: balance, legs, snapshots, commitments."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fund", help="Fund code; all funds when omitted.")

    def handle(self, *args: Any, **options: Any) -> None:
        fund_id = None
        if options.get("fund"):
            fund = WellnessFund.objects.filter(code=options["fund"]).first()
            if fund is None:
                raise CommandError(f"No wellness fund with code {options['fund']!r}.")
            fund_id = fund.pk
        violations = ledger_violations(fund_id=fund_id)
        for v in violations:
            self.stderr.write(str(v))
        if violations:
            self.stderr.write(f"{len(violations)} violation(s) found.")
            sys.exit(1)
        self.stdout.write("Ledger OK: no violations.")
