"""Routes of the REST API (mounted at /api/), its OpenAPI schema and docs."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import (
    applications,
    awards,
    commongrants,
    community,
    funds,
    meetings,
    member_months,
    opportunities,
    organizations,
    postaward,
    reinvestment,
    reports,
    reviews,
    tokens,
    views,
)

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tokens", tokens.ApiTokenViewSet, basename="token")
router.register("organizations", organizations.OrganizationViewSet, basename="organization")
router.register("memberships", organizations.MembershipViewSet, basename="membership")
router.register("counties", organizations.CountyViewSet, basename="county")
router.register("financial-years", reinvestment.FinancialYearViewSet, basename="financial-year")
router.register("member-months", member_months.MemberMonthViewSet, basename="member-month")
router.register("policies", reinvestment.PolicyViewSet, basename="policy")
router.register("obligations", reinvestment.ObligationViewSet, basename="obligation")
router.register("allocations", reinvestment.AllocationViewSet, basename="allocation")
router.register("direct-investments", reinvestment.DirectInvestmentViewSet, basename="direct-investment")
router.register("funds", funds.FundViewSet, basename="fund")
router.register("restrictions", funds.RestrictionViewSet, basename="restriction")
router.register("funding-sources", funds.FundingSourceViewSet, basename="funding-source")
router.register("receipts", funds.ReceiptViewSet, basename="receipt")
router.register("ledger-transactions", funds.LedgerTransactionViewSet, basename="ledger-transaction")
router.register("contribution-agreements", funds.AgreementViewSet, basename="contribution-agreement")
router.register("contribution-statements", funds.StatementViewSet, basename="contribution-statement")
router.register("contribution-payments", funds.PaymentViewSet, basename="contribution-payment")
router.register("opportunities", opportunities.OpportunityViewSet, basename="opportunity")
router.register("applications", applications.ApplicationViewSet, basename="application")
router.register("awards", awards.AwardViewSet, basename="award")
router.register("tranches", postaward.TrancheViewSet, basename="tranche")
router.register("grantee-reports", postaward.GranteeReportViewSet, basename="grantee-report")
router.register("review-assignments", reviews.ReviewAssignmentViewSet, basename="review-assignment")
router.register("governing-bodies", meetings.GoverningBodyViewSet, basename="governing-body")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("agenda-items", meetings.AgendaItemViewSet, basename="agenda-item")
router.register("advisory-bodies", community.AdvisoryBodyViewSet, basename="advisory-body")
router.register("advisory-meetings", community.AdvisoryMeetingViewSet, basename="advisory-meeting")
router.register("community-health-plans", community.HealthPlanViewSet, basename="community-health-plan")
router.register("priority-tags", community.PriorityTagViewSet, basename="priority-tag")
router.register("equity-taxonomies", community.EquityTaxonomyViewSet, basename="equity-taxonomy")
router.register("reinvestment-plans", community.ReinvestmentPlanViewSet, basename="reinvestment-plan")
router.register("stratified-outcomes", community.StratifiedOutcomeViewSet, basename="stratified-outcome")
router.register("grant-priority-tags", community.GrantPriorityTagViewSet, basename="grant-priority-tag")
router.register("disparity-targets", community.DisparityTargetViewSet, basename="disparity-target")
router.register("investment-meetings", community.InvestmentMeetingViewSet, basename="investment-meeting")
router.register("award-meetings", community.AwardMeetingViewSet, basename="award-meeting")
router.register("report-runs", reports.ReportRunViewSet, basename="report-run")
router.register("report-artifacts", reports.ReportArtifactViewSet, basename="report-artifact")

# The documentation pages are drf-spectacular's: Swagger UI and Redoc load from their CDN and style
# themselves inline; their own scripts stay external (Swagger's set-up script is served by the view).
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = csp_update({
    "script-src": [DOCS_CDN], "style-src": [DOCS_CDN, "https://fonts.googleapis.com", UNSAFE_INLINE],
    "img-src": [DOCS_CDN], "font-src": ["https://fonts.gstatic.com"], "worker-src": ["blob:"],
})

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", DOCS_CSP(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", DOCS_CSP(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("me/", organizations.MeView.as_view(), name="me"),
    path("common-grants/opportunities/", commongrants.CommonGrantsOpportunityList.as_view(),
         name="common-grants-opportunities"),
    path("common-grants/opportunities/<str:opp_id>/", commongrants.CommonGrantsOpportunityDetail.as_view(),
         name="common-grants-opportunity"),
    *router.urls,
    re_path(r"^.*$", views.not_found),
]
