"""Admin: reference data (kinds of body, constituencies, community health plans and their
priorities, equity taxonomies, plan timing) is edited here, audited; the records people write
(bodies, meetings, reinvestment plans) are read-only here (they change through the services)."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin
from audit.admin import ReadOnlyModelAdmin as ReadOnlyAdmin

from .models import (
    AdvisoryBody,
    AdvisoryBodyType,
    AdvisoryMeeting,
    AdvisoryMember,
    CommunityHealthPlan,
    Constituency,
    EquityCategory,
    EquityDimension,
    EquityTaxonomy,
    HealthPriority,
    InvestmentMeeting,
    OutcomeMeasure,
    PriorityTag,
    ReinvestmentPlan,
    ReinvestmentPlanTiming,
    ReinvestmentPlanVersion,
    StratifiedOutcome,
)


@admin.register(AdvisoryBodyType)
class AdvisoryBodyTypeAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]


@admin.register(Constituency)
class ConstituencyAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]


class PriorityInline(admin.TabularInline):
    model = HealthPriority
    extra = 0


@admin.register(CommunityHealthPlan)
class CommunityHealthPlanAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "publisher", "period_start", "period_end", "verified"]
    list_filter = ["kind", "verified"]
    filter_horizontal = ["counties"]
    inlines = [PriorityInline]


class DimensionInline(admin.TabularInline):
    model = EquityDimension
    extra = 0


@admin.register(EquityTaxonomy)
class EquityTaxonomyAdmin(AuditedModelAdmin):
    list_display = ["version", "name", "effective_from"]
    inlines = [DimensionInline]


class CategoryInline(admin.TabularInline):
    model = EquityCategory
    extra = 0


@admin.register(EquityDimension)
class EquityDimensionAdmin(AuditedModelAdmin):
    list_display = ["taxonomy", "code", "name", "multiple", "verified"]
    list_filter = ["taxonomy"]
    inlines = [CategoryInline]


@admin.register(ReinvestmentPlanTiming)
class ReinvestmentPlanTimingAdmin(AuditedModelAdmin):
    list_display = ["jurisdiction", "effective_from_year", "due_year_offset", "due_quarter", "unverified"]


@admin.register(AdvisoryBody)
class AdvisoryBodyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "organization", "body_type"]


@admin.register(AdvisoryMember)
class AdvisoryMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "body", "constituency", "joined_on", "left_on"]


@admin.register(AdvisoryMeeting)
class AdvisoryMeetingAdmin(ReadOnlyAdmin):
    list_display = ["body", "meets_on", "status"]
    list_filter = ["status"]


@admin.register(PriorityTag)
class PriorityTagAdmin(ReadOnlyAdmin):
    list_display = ["priority", "direct_investment", "fund", "tagged_at"]


@admin.register(InvestmentMeeting)
class InvestmentMeetingAdmin(ReadOnlyAdmin):
    list_display = ["direct_investment", "meeting", "linked_at"]


@admin.register(ReinvestmentPlan)
class ReinvestmentPlanAdmin(ReadOnlyAdmin):
    list_display = ["plan", "income_year", "status", "deadline"]
    list_filter = ["status"]


@admin.register(ReinvestmentPlanVersion)
class ReinvestmentPlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["reinvestment_plan", "number", "submitted_at", "decision", "decided_at"]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "suppress_below", "unverified"]


@admin.register(StratifiedOutcome)
class StratifiedOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["fund", "measure", "period_end", "dimension", "category", "count", "denominator"]
    list_filter = ["dimension"]
