"""Grants data for the page tests, built through the services (tests/grants/factories underneath)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from grants import services
from grants.models import Decision
from tests.grants import factories as gf
from tests.wellness_fund import factories as wf

PERIOD = {"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)}
TOKEN_RE = re.compile(r'name="(?:[a-z]+-)?form_token" value="([^"]+)"')


def token(response: Any) -> str:
    """The once-only token of the (first) form on a page."""
    match = TOKEN_RE.search(response.content.decode())
    assert match, "no form token on the page"
    return match.group(1)


session = gf.session  # recommend, then a meeting in session with one item per application


def approve(w: gf.World, item: Any) -> Decision:
    gf.approve(w, item)
    return Decision.objects.get(item=item)


def award(w: gf.World, decision: Decision, amount: str = "20000.00") -> Any:
    return services.award_create(actor=w.admin, decision=decision, amount=amount, tranches=[
        {"basis": "percent", "value": "100", "due_on": dt.date(2027, 1, 15)}],
        period_start=PERIOD["period_start"], period_end=PERIOD["period_end"])


def awarded(w: gf.World, opp: Any, i: int = 0, amount: str = "20000.00") -> Any:
    """An application of CBO ``i`` submitted, approved and awarded (the fund receives the money)."""
    wf.receive(w.fund, amount)
    app = gf.submitted(w, opp, i, amount)
    _meeting, items = session(w, [app])
    return award(w, approve(w, items[0]), amount)


def accepted(w: gf.World, opp: Any, i: int = 0, amount: str = "20000.00") -> Any:
    """An accepted award (budget lines copied from the application: two halves)."""
    a = awarded(w, opp, i, amount)
    return services.award_accept(actor=w.staff[i], award=a, name="María López", title="Director")


def people(total: int) -> dict[str, str]:
    """People-served step fields putting all ``total`` people in one category of each breakdown
    (county and every dimension of the equity taxonomy in force)."""
    from tests.wellness_fund import factories as wf_

    fips = wf_.county("Imperial").fips
    return {"total_served": str(total), f"people__county__{fips}": str(total),
            "people__race__hispanic_latino": str(total), "people__ethnicity__mexican": str(total),
            "people__language__spanish": str(total), "people__disability__not_reported": str(total),
            "people__sexual_orientation__declined": str(total), "people__gender_identity__woman": str(total),
            "people__sex__female": str(total), "people__age_band__25-44": str(total)}


def write_report(client: Any, schedule: Any, total: int = 40, *, submit: bool = True) -> Any:
    """The grantee writes every step of a report through the pages (and submits it): the last answer."""
    from django.urls import reverse

    steps = {"narrative": {"progress": "Sessions held in Calexico.", "successes": "", "challenges": ""},
             "spending": {"spent_1": "1,000.00", "spent_2": "0"},
             "results": {"metric_participants": str(total)},
             "people": people(total)}
    response = None
    for n, (step, data) in enumerate(steps.items()):
        response = client.post(reverse("grants:report_step", args=[schedule.pk, step]),
                               {"form_token": f"{step[:4]}{n}" + "s" * 28, **data})
        assert response.status_code == 302, response.content.decode()[:2000]
    if submit:
        response = client.post(reverse("grants:report_step", args=[schedule.pk, "review"]),
                               {"send-form_token": "submit" + "s" * 26})
    return response
