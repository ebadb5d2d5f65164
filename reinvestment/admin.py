"""Admin: policies (versioned data) are edited here, audited; plan records are read-only here
(they change through the services, which keep obligations consistent)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from audit.admin import ReadOnlyModelAdmin as ReadOnlyAdmin

from .models import (
    AllocationRule,
    DirectInvestment,
    FulfilmentAllocation,
    LineOfBusiness,
    MemberMonth,
    Obligation,
    ObligationCredit,
    PlanFinancialYear,
    PolicyApplicability,
    PolicyBracket,
    PolicyEarmark,
    PolicyTermSource,
    ReinvestmentPolicy,
)
from .services.policies import policy_version_copy, policy_version_publish


class BracketInline(admin.TabularInline):
    model = PolicyBracket
    extra = 0


class EarmarkInline(admin.TabularInline):
    model = PolicyEarmark
    extra = 0


class ApplicabilityInline(admin.TabularInline):
    """Where the version applies: jurisdiction + line of business, with the source saying so."""

    model = PolicyApplicability
    extra = 0


class TermSourceInline(admin.TabularInline):
    """The source of each term; ``unverified`` marks a term no source document confirms."""

    model = PolicyTermSource
    extra = 0


@admin.register(ReinvestmentPolicy)
class ReinvestmentPolicyAdmin(AuditedModelAdmin):
    """Add a new version rather than editing one: a version used by a frozen obligation is read-only."""

    list_display = ("code", "version", "is_draft", "jurisdiction", "basis", "effective_from_year",
                    "effective_to_year")
    list_filter = ("jurisdiction", "basis", "is_draft")
    search_fields = ("code", "name")
    inlines = [ApplicabilityInline, BracketInline, EarmarkInline, TermSourceInline]
    actions = ["copy_to_new_draft", "publish_drafts"]

    @admin.action(description="Copy to a new draft version")
    def copy_to_new_draft(self, request: HttpRequest, queryset: QuerySet[ReinvestmentPolicy]) -> None:
        for policy in queryset.order_by("code", "version"):
            copy = policy_version_copy(actor=request.user, policy=policy)  # type: ignore[arg-type]
            self.message_user(request, f"{copy.code} version {copy.version} is a draft copy of version "
                                       f"{policy.version}: edit it, then publish it.", messages.SUCCESS)

    @admin.action(description="Publish the selected drafts")
    def publish_drafts(self, request: HttpRequest, queryset: QuerySet[ReinvestmentPolicy]) -> None:
        for policy in queryset.order_by("code", "version"):
            try:
                published = policy_version_publish(actor=request.user, policy=policy)  # type: ignore[arg-type]
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, f"{published.code} version {published.version} is published.",
                                  messages.SUCCESS)

    def _used(self, obj: Any) -> bool:
        return obj is not None and obj.obligations.exclude(status="current").exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._used(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.obligations.exists())


@admin.register(LineOfBusiness)
class LineOfBusinessAdmin(AuditedModelAdmin):
    """Reference data; a line used by a financial year or a policy cannot be deleted (protected)."""

    list_display = ("code", "name", "jurisdiction", "medicaid", "position")


@admin.register(PlanFinancialYear)
class PlanFinancialYearAdmin(ReadOnlyAdmin):
    list_display = ("plan", "income_year", "line_of_business", "status", "total_revenue", "net_income",
                    "supersedes")
    list_filter = ("status", "income_year", "line_of_business")


@admin.register(MemberMonth)
class MemberMonthAdmin(ReadOnlyAdmin):
    list_display = ("plan", "county", "month", "member_months")
    list_filter = ("month",)


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ("plan", "income_year", "policy_code", "policy_version", "total", "status", "deadline")
    list_filter = ("status", "policy_code")


@admin.register(ObligationCredit)
class ObligationCreditAdmin(ReadOnlyAdmin):
    list_display = ("plan", "income_year", "county", "source", "reference", "credited_on", "amount",
                    "reversed_on")
    list_filter = ("source", "income_year")


@admin.register(FulfilmentAllocation)
class FulfilmentAllocationAdmin(ReadOnlyAdmin):
    """Written by the services only (recording, the automatic rule, plan finance re-allocating)."""

    list_display = ("plan", "obligation", "credit", "county", "amount", "rule", "reason")


@admin.register(AllocationRule)
class AllocationRuleAdmin(AuditedModelAdmin):
    """Which kinds of payment count toward obligations of a basis: add a new version to change it."""

    list_display = ("basis", "version", "qualifying_sources", "priority", "verified")


@admin.register(DirectInvestment)
class DirectInvestmentAdmin(ReadOnlyAdmin):
    list_display = ("plan", "payee", "operated_by_plan", "county", "domain", "paid_on", "amount")
