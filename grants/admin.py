"""Admin for grants records: read-mostly; every write goes through the audited admin mixin.

Votes, recusals, decisions and awards are changed only through the services
(so their rules and the ledger hold), hence read-only here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from audit.admin import ReadOnlyModelAdmin as ReadOnlyAdmin

from .models import (
    AgendaItem,
    Application,
    Award,
    FundingOpportunity,
    GoverningBody,
    Meeting,
    ReviewAssignment,
    Seat,
    VotingRule,
)


@admin.register(VotingRule)
class VotingRuleAdmin(AuditedModelAdmin):
    list_display = ("code", "version", "kind", "basis", "numerator", "denominator", "strictly_more",
                    "effective_from")
    list_filter = ("kind",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a rule in use is never edited: add a new version instead

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundingOpportunity)
class FundingOpportunityAdmin(ReadOnlyAdmin):
    list_display = ("title", "fund", "restriction", "status", "opens_at", "closes_at", "total_budget")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("project_title", "applicant", "opportunity", "status", "requested_amount", "submitted_at")
    list_filter = ("status",)
    search_fields = ("project_title", "applicant__code")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "reviewer", "status", "conflict_source")
    list_filter = ("status",)


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


@admin.register(GoverningBody)
class GoverningBodyAdmin(AuditedModelAdmin):
    list_display = ("name", "ach", "quorum_rule", "passing_rule")
    inlines = [SeatInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "body", "scheduled_at", "status", "certified_at")
    list_filter = ("status",)


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "number", "title", "vote_status", "outcome")


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("pk", "grantee", "fund", "restriction", "amount", "status", "committed_on")
    list_filter = ("status",)
