"""Admin: read-only views of funds, the ledger and contributions.

Every write goes through ``wellness_fund.services`` / ``wellness_fund.commitments`` (which
lock, validate and audit); posted ledger rows cannot be changed at all.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import ReadOnlyModelAdmin as ReadOnlyAdmin

from .models import (
    Account,
    ContributionAgreement,
    ContributionPayment,
    ContributionStatement,
    FiscalPeriod,
    FundingSource,
    LedgerLeg,
    LedgerTransaction,
    Restriction,
    WellnessFund,
)


class LegInline(admin.TabularInline):
    model = LedgerLeg
    fields = ("account", "side", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WellnessFund)
class WellnessFundAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "ach", "fiscal_year_start_month", "currency", "is_active")


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "fund", "kind", "posted_on", "reference", "reverses")
    list_filter = ("fund", "kind")
    search_fields = ("reference", "memo")
    date_hierarchy = "posted_on"
    inlines = [LegInline]


for model, columns in (
    (Restriction, ("fund", "code", "name", "kind")),
    (FundingSource, ("fund", "code", "name", "kind", "is_restricted", "restriction")),
    (Account, ("fund", "code", "role", "restriction", "funding_source")),
    (FiscalPeriod, ("fund", "start", "end", "closed_at")),
    (ContributionAgreement, ("fund", "code", "plan", "basis", "frequency", "status")),
    (ContributionStatement, ("agreement", "period_start", "period_end", "due_on", "expected_amount")),
    (ContributionPayment, ("agreement", "received_on", "amount", "bank_reference")),
):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns}))
