"""Compute a reinvestment obligation from figures given on the command line; writes nothing.

    python manage.py reinvestment_calc --policy CA-DHCS --revenue 2000000000 --net-income 200000000
    python manage.py reinvestment_calc --list
"""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from money import parse_amount
from reinvestment.calculation import FinancialInputs, compute_obligation, dollars
from reinvestment.selectors import policies_list, policy_for, policy_terms

from ._errors import message


def _ratio(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError({"mlr": f"{text!r} is not a ratio such as 0.82."}) from None
    if not value.is_finite():
        raise ValidationError({"mlr": f"{text!r} is not a ratio such as 0.82."})
    return value


def _money(text: str | None, field: str) -> Decimal | None:
    if text is None:
        return None
    return parse_amount(text, field=field, allow_zero=True, allow_negative=True)


class Command(BaseCommand):
    help = "Compute a reinvestment obligation (nothing is written). Amounts are exact decimals."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # ``--version`` names the policy version here, replacing Django's program-version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="List the policies and their versions.")
        parser.add_argument("--policy", help="Policy code, e.g. CA-DHCS.")
        parser.add_argument("--version", dest="policy_version", type=int, help="Policy version (default: newest).")
        parser.add_argument("--year", type=int, help="Income or measurement year: picks the version in effect.")
        parser.add_argument("--revenue", help="Total revenue, e.g. 2000000000.00.")
        parser.add_argument("--net-income", help="Net income (may be negative).")
        parser.add_argument("--pretax-income", help="Pre-tax income (for pre-tax profit policies).")
        parser.add_argument("--quality-missed", action="store_true",
                            help="The plan missed the minimum quality performance levels.")
        parser.add_argument("--mlr", help="Medical loss ratio as a fraction, e.g. 0.82.")
        parser.add_argument("--mlr-denominator", help="MLR denominator (premium revenue).")
        parser.add_argument("--gross-premium", help="Gross premium (premium-at-risk policies).")
        parser.add_argument("--measures-missed", type=int, help="Core quality measures missed.")
        parser.add_argument("--currency", default="USD", help="Currency of the figures (default USD).")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["list"]:
            for p in policies_list():
                years = f"{p.effective_from_year}-{p.effective_to_year or ''}"
                self.stdout.write(f"{p.code:<10} v{p.version:<3} {p.jurisdiction:<4} {years:<10} {p.basis:<16} {p.name}")
            return
        if not opts["policy"]:
            raise CommandError("--policy is required (or --list).")
        for name in ("revenue", "net_income"):
            if opts[name] is None:
                raise CommandError(f"--{name.replace('_', '-')} is required.")
        try:
            policy = policy_for(code=opts["policy"], version=opts["policy_version"], year=opts["year"])
            inputs = FinancialInputs(
                revenue=_money(opts["revenue"], "revenue"),  # type: ignore[arg-type]
                net_income=_money(opts["net_income"], "net_income"),  # type: ignore[arg-type]
                currency=opts["currency"],
                pretax_income=_money(opts["pretax_income"], "pretax_income"),
                quality_missed=opts["quality_missed"],
                mlr_ratio=_ratio(opts["mlr"]),
                mlr_denominator=_money(opts["mlr_denominator"], "mlr_denominator"),
                gross_premium=_money(opts["gross_premium"], "gross_premium"),
                measures_missed=opts["measures_missed"],
            )
            result = compute_obligation(policy_terms(policy), inputs)
        except ValidationError as exc:
            raise CommandError(message(exc)) from exc
        if opts["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), indent=2))
            return
        self.stdout.write(f"{policy.code} v{policy.version}: {policy.name}")
        for line in result.lines:
            self.stdout.write(f"  {line.text}")
        self.stdout.write(f"Total obligation: {dollars(result.total)} {result.currency}")
        for line in result.mlr_lines:
            self.stdout.write(f"  {line.text}")
        self.stdout.write(f"MLR remittance: {dollars(result.mlr_remittance)} {result.currency}")
        self.stdout.write(f"Source: {policy.source_citation}")
