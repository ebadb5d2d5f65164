"""Print the grants pipeline of a wellness fund: per opportunity, counts and amounts by stage."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wellness_fund.models import WellnessFund

from ...selectors import STAGES, pipeline


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # money stays exact: a string, never a float
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class Command(BaseCommand):
    help = "Counts and amounts by stage (applied, recommended, approved, awarded) per opportunity of a fund."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fund", required=True, help="Fund code, e.g. demo-fund-1.")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        fund = WellnessFund.objects.filter(code=options["fund"]).first()
        if fund is None:
            raise CommandError(f"No wellness fund with code {options['fund']!r}.")
        data = pipeline(fund=fund)
        if options["format"] == "json":
            self.stdout.write(json.dumps(_jsonable(data), indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{data['fund_name']} ({data['fund']}), amounts in {data['currency']}")
        for row in data["opportunities"]:
            self.stdout.write(f"\n{row['title']} [{row['status']}], restriction {row['restriction']}, "
                              f"budget {row['total_budget']}")
            for stage in STAGES:
                figures = row["stages"][stage]
                self.stdout.write(f"  {stage:<12} {figures['count']:>4}  {figures['amount']:>16}")
        if not data["opportunities"]:
            self.stdout.write("No opportunities yet.")
        self.stdout.write(f"\nAvailable to award: {data['available']}")
        for code, amount in data["available_by_restriction"].items():
            self.stdout.write(f"  {code:<20} {amount:>16}")
