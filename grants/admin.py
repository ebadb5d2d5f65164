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
    Amendment,
    Application,
    Award,
    AwardMeeting,
    Disbursement,
    FundingOpportunity,
    GoverningBody,
    GranteeReport,
    Meeting,
    ReminderPolicy,
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


@admin.register(AwardMeeting)
class AwardMeetingAdmin(ReadOnlyAdmin):
    list_display = ("award", "meeting", "linked_at")


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(AuditedModelAdmin):
    """Reminder offsets are versioned: add a new version rather than editing one in use."""

    list_display = ("fund", "version", "days_before_due", "days_after_due", "digest_weekday", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ("award", "tranche", "paid_on", "amount", "payment_reference")


@admin.register(GranteeReport)
class GranteeReportAdmin(ReadOnlyAdmin):
    list_display = ("schedule", "total_served", "submitted_at", "reviewed_at")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("award", "number", "kind", "amount_change", "effective_on")
