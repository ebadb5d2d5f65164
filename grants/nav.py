"""Menu and dashboard entries of the grants pages (see web.nav)."""

from django.utils.translation import gettext_lazy as _

from organizations.models import Role
from web.nav import NavItem, register

ACH = frozenset({Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR})
BOARD = frozenset({Role.BOARD_MEMBER, Role.BOARD_CHAIR})
CBO = frozenset({Role.CBO_STAFF})


def register_pages() -> None:
    register(NavItem("grants.opportunities", _("Calls for proposals"), "grants:opportunity_list",
                     ACH | CBO, _("Open calls and how to apply."), order=30))
    register(NavItem("grants.applications", _("Applications"), "grants:application_list",
                     ACH | CBO, _("Drafts, submitted applications and decisions."), order=31))
    register(NavItem("grants.reviews", _("My reviews"), "grants:review_list", BOARD,
                     _("Applications to score with the rubric."), order=32))
    register(NavItem("grants.meetings", _("Meetings"), "grants:meeting_list", ACH,
                     _("Board meetings, agenda, votes and minutes."), order=33))
    register(NavItem("grants.awards", _("Awards"), "grants:award_list", ACH | CBO,
                     _("Awards, tranches and reports."), order=34))
    register(NavItem("grants.reports", _("Reports"), "grants:report_list", ACH | CBO,
                     _("Grantee reports due, submitted and overdue."), order=35))
    register(NavItem("grants.boards", _("Boards"), "grants:body_list", frozenset({Role.FUND_ADMIN}),
                     _("Governing bodies: seats and meetings."), order=36))
