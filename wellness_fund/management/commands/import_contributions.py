"""Record contribution payments of one agreement from CSV: all rows or none.

CSV header: amount,received_on,bank_reference[,statement,income_year]. Prints one line per
row; when any row is bad it names each bad row on stderr, exits non-zero and writes nothing.
Rows whose bank reference is already recorded are reported and not recorded again.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.access import AccessDenied
from organizations.cli import acting_user, read_input_file
from wellness_fund.models import ContributionAgreement
from wellness_fund.services import (
    PaymentBatchError,
    contribution_payments_record_batch,
    payment_rows_read_csv,
)
from wellness_fund.services.contributions import error_text


class Command(BaseCommand):
    help = "Record contribution payments of an agreement from CSV (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV with header amount,received_on,bank_reference[,statement,income_year].")
        parser.add_argument("--agreement", required=True, type=int, help="Contribution agreement id.")
        parser.add_argument("--user", help="Username acting (must hold plan finance); default: the operator's command (system:command).")

    def handle(self, *args: Any, **opts: Any) -> None:
        agreement = ContributionAgreement.objects.select_related("fund", "plan").filter(pk=opts["agreement"]).first()
        if agreement is None:
            raise CommandError(f"No contribution agreement with id {opts['agreement']}.")
        actor = acting_user(opts["user"])
        data = read_input_file(opts["file"])
        try:
            rows = payment_rows_read_csv(agreement=agreement, data=data)
            result = contribution_payments_record_batch(actor=actor, agreement=agreement, rows=rows)
        except PaymentBatchError as exc:
            for line in exc.messages:
                self.stderr.write(line)
            raise CommandError(f"{len(exc.errors)} bad row(s) in {opts['file']}: nothing was written.") from exc
        except ValidationError as exc:
            raise CommandError(f"{error_text(exc)} Nothing was written.") from exc
        except AccessDenied as exc:
            raise CommandError(str(exc)) from exc
        existing = set(result.existing)
        for i, payment in enumerate(result.payments):
            state = "already recorded" if i in existing else "recorded"
            self.stdout.write(f"row {i + 1}: {payment.bank_reference} {payment.amount.amount} "
                              f"{payment.received_on} statement {payment.statement.period_start:%Y-%m}: {state}")
        self.stdout.write(f"{result.created} payment(s) recorded, {len(existing)} already recorded.")
