"""Which obligation a Community Reinvestment Report is of.

A report covers ONE live obligation of a plan's income year, named by its policy code and,
when the same policy applies to several lines of business of the plan, the line of business
(its code). When the income year has one live obligation, both may be left out; with several,
leaving them out is refused with the choices listed, never answered with one of them.

``complete_params`` fills the policy and line of business of a request in, so the same
obligation always gives the same parameters (hence one report id, one version history and
one attestation), whether the requester named them or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from organizations.models import Organization, OrganizationKind
from reinvestment.models import Obligation
from reinvestment.selectors import LIVE


def year_obligations(plan: Organization, year: int) -> list[Obligation]:
    """The plan's live obligations of ``year`` with policy, financial year and line of business,
    by policy code then line of business (one query)."""
    return list(
        Obligation.objects.filter(plan=plan, income_year=year, status__in=LIVE)
        .select_related("policy", "financial_year", "financial_year__line_of_business", "mlr_remittance_recipient")
        .order_by("policy_code", "financial_year__line_of_business__position", "pk")
    )


def line_code(obligation: Obligation) -> str:
    return obligation.financial_year.line_of_business.code


def choice_label(obligation: Obligation) -> str:
    """``CA-DHCS (Medi-Cal, medi-cal)``: how an obligation is named when asking which one."""
    line = obligation.financial_year.line_of_business
    return f"{obligation.policy_code} ({line.name}, {line.code})"


def choose(plan: Organization, year: int, live: list[Obligation], *, policy: str = "",
           line_of_business: str = "") -> Obligation:
    """The one obligation of ``live`` that ``policy`` and ``line_of_business`` (codes, "" = any)
    name; ValidationError listing the choices when they name none or several."""
    policy, line_of_business = (policy or "").strip(), (line_of_business or "").strip()
    matching = [o for o in live if (not policy or o.policy_code.casefold() == policy.casefold())
                and (not line_of_business or line_code(o) == line_of_business)]
    if len(matching) == 1:
        return matching[0]
    choices = "; ".join(choice_label(o) for o in live)
    if not matching:
        named = " ".join(x for x in (policy, gettext("(line of business %(line)s)") % {"line": line_of_business}
                                     if line_of_business else "") if x)
        field = "policy" if policy else "line_of_business"
        raise ValidationError({field: (
            gettext("%(plan)s has no live %(named)s obligation for income year %(year)s. Choose one of: %(choices)s.")
            % {"plan": plan.code, "named": named, "year": year, "choices": choices})})
    several_lines = len({line_code(o) for o in matching}) > 1 and len({o.policy_code for o in matching}) == 1
    field = "line_of_business" if several_lines else "policy"
    ask = (gettext("%(plan)s has %(count)s obligations for income year %(year)s: say which one the report is of by "
                   "naming the line of business. Choose one of: %(choices)s.") if several_lines else
           gettext("%(plan)s has %(count)s obligations for income year %(year)s: say which one the report is of by "
                   "naming the policy. Choose one of: %(choices)s."))
    raise ValidationError({field: ask % {"plan": plan.code, "count": len(matching), "year": year, "choices": choices}})


def complete_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with the policy and line of business of the one obligation they name filled in;
    unchanged when they name none or several (``resolve`` explains why)."""
    out = dict(params)
    plan = Organization.objects.filter(code=params.get("plan"), kind=OrganizationKind.PLAN).first()
    if plan is None or not isinstance(params.get("year"), int):
        return out
    live = year_obligations(plan, params["year"])
    try:
        obligation = choose(plan, params["year"], live, policy=str(params.get("policy") or ""),
                            line_of_business=str(params.get("line_of_business") or ""))
    except ValidationError:
        return out
    out["policy"] = obligation.policy_code
    out["line_of_business"] = line_code(obligation)
    return out
