"""Pages of plan finance: obligations, financial years, member months and direct investments.

* ``dashboard``: what the plan owes by income year and county, and its unallocated money;
* ``allocations``: the payments counted toward one obligation, and moving an amount to another;
* ``years``: financial years (enter, upload the statement, compute, submit, lock, amend);
* ``member_months``: the CSV import of enrollment;
* ``investments``: direct investments.

Every page reads through ``selectors`` and writes through ``services`` (the same functions the
command line and the API call); a view only parses input, calls them and shows the result
(``web.actions``). A plan is named by its ``code`` in the address (``web.scoping.plan_for``). A
user without the page's role in that plan, or asking for another plan's record, gets 404
(``access.AccessDenied`` from a service too).
"""

from django.utils.translation import gettext_lazy as _

from web.nav import NavItem, register

from .allocations import allocations
from .dashboard import dashboard
from .investments import investment_list, investment_new
from .member_months import member_months
from .roles import FINANCE, PLAN_STAFF
from .years import (
    year_amend,
    year_compute,
    year_detail,
    year_document,
    year_list,
    year_lock,
    year_new,
    year_statement,
    year_submit,
)

__all__ = [
    "allocations", "dashboard", "investment_list", "investment_new", "member_months", "year_amend", "year_compute",
    "year_detail", "year_document", "year_list", "year_lock", "year_new", "year_statement", "year_submit",
]

register(NavItem("reinvestment.dashboard", _("Obligations"), "reinvestment:dashboard",
                 frozenset(PLAN_STAFF), _("What the plan owes by income year and county."),
                 org_kwarg="plan", order=20))
register(NavItem("reinvestment.years", _("Financial years"), "reinvestment:year_list",
                 frozenset(PLAN_STAFF), _("Enter, submit, lock and amend audited results."),
                 org_kwarg="plan", order=21))
register(NavItem("reinvestment.member_months", _("Import member months"), "reinvestment:member_months",
                 frozenset(FINANCE), _("Upload enrollment by county and month (CSV)."),
                 org_kwarg="plan", order=22))
register(NavItem("reinvestment.investments", _("Direct investments"), "reinvestment:investment_list",
                 frozenset(PLAN_STAFF), _("Payments made straight to community organizations."),
                 org_kwarg="plan", order=23))
