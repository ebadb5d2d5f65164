"""Factories for grants, built through the services so rows are as the product writes them."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from grants import services
from grants.models import (
    AgendaItem,
    Application,
    FundingOpportunity,
    GoverningBody,
    Meeting,
    VotingRule,
)
from organizations.models import Organization, OrganizationKind, User
from tests.organizations.factories import OrganizationFactory, member
from tests.wellness_fund import factories as wf

_seq = itertools.count(1)

RUBRIC = [
    {"name": "Community need", "weight": "60", "scale_min": 0, "scale_max": 5},
    {"name": "Feasibility", "weight": "40", "scale_min": 0, "scale_max": 5},
]
QUESTIONS = [
    {"text": "Is the organization a nonprofit or fiscally sponsored?", "choices": ["yes", "no"],
     "disqualifying": ["no"]},
]


@dataclass
class World:
    ach: Organization
    fund: Any
    restriction: Any
    admin: User
    chair: User
    board: list[User]
    cbos: list[Organization]
    staff: list[User]
    extra: dict[str, Any] = field(default_factory=dict)


def equity_taxonomy() -> None:
    """The seeded equity taxonomy (seeded again after a transactional test's flush emptied it)."""
    from community.models import EquityTaxonomy

    if not EquityTaxonomy.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("community.migrations.0002_reference_data").seed(apps, None)


def world(*, cbos: int = 3, board: int = 3) -> World:
    equity_taxonomy()
    n = next(_seq)
    ach = OrganizationFactory.create(code=f"gach-{n}", kind=OrganizationKind.ACH)
    fund = wf.fund(owner=ach, code=f"gfund-{n}")
    restriction = wf.general(fund)
    admin = member("fund_admin", ach)
    chair = member("board_chair", ach)
    members = [member("board_member", ach) for _ in range(board)]
    orgs = [OrganizationFactory.create(code=f"gcbo-{n}-{i}", kind=OrganizationKind.CBO) for i in range(cbos)]
    staff = [member("cbo_staff", o) for o in orgs]
    return World(ach=ach, fund=fund, restriction=restriction, admin=admin, chair=chair, board=members,
                 cbos=orgs, staff=staff)


def opportunity(w: World, *, open_: bool = True, **overrides: Any) -> FundingOpportunity:
    now = timezone.now()
    values: dict[str, Any] = {
        "title": f"Community health call {next(_seq)}",
        "total_budget": "100000.00",
        "award_min": "5000.00",
        "award_max": "50000.00",
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=14),
        "rubric": RUBRIC,
        "eligibility_questions": QUESTIONS,
        "counties": [wf.county("Imperial")],
        "domains": ["food", "health_care"],
        "reporting": {"frequency_months": 6, "due_days_after_period": 30, "final_due_days_after_end": 60,
                      "metrics": [{"code": "participants", "label": "Participants", "unit": "people"}],
                      "demographics": ["county", "race_ethnicity", "language"]},
    }
    values.update(overrides)
    opp = services.opportunity_create(actor=w.admin, fund=w.fund, restriction=w.restriction, **values)
    if open_:
        services.opportunity_open(actor=w.admin, opportunity=opp)
    return opp


def complete_fields(amount: str = "20000.00") -> dict[str, Any]:
    half = (Decimal(amount) / 2).quantize(Decimal("0.01"))
    return {
        "contact_name": "María López",
        "contact_email": "maria@example.org",
        "project_title": "Promotores de salud",
        "project_summary": "Community health promoters teach diabetes prevention.",
        "requested_amount": amount,
        "period_start": dt.date(2027, 1, 1),
        "period_end": dt.date(2027, 12, 31),
        "domains": ["food"],
        "target_populations": "Spanish-speaking farmworker families",
        "eligibility_answers": {"1": "yes"},
        "counties": [wf.county("Imperial")],
        "budget_lines": [
            {"category": "personnel", "description": "Promotores stipends", "amount": str(half)},
            {"category": "supplies", "description": "Teaching materials", "amount": str(Decimal(amount) - half)},
        ],
    }


def draft(w: World, opp: FundingOpportunity, i: int = 0, amount: str = "20000.00", **overrides: Any) -> Application:
    values = complete_fields(amount) | overrides
    return services.application_start(actor=w.staff[i], opportunity=opp, applicant=w.cbos[i], **values)


def submitted(w: World, opp: FundingOpportunity, i: int = 0, amount: str = "20000.00") -> Application:
    app = draft(w, opp, i, amount)
    return services.application_submit(actor=w.staff[i], application=app)


def under_review(w: World, opp: FundingOpportunity, i: int = 0, amount: str = "20000.00",
                 reviewers: list[User] | None = None) -> Application:
    """A submitted application of CBO ``i`` with ``reviewers`` (default: every board member) assigned."""
    app = submitted(w, opp, i, amount)
    for reviewer in w.board if reviewers is None else reviewers:
        services.reviewer_assign(actor=w.admin, application=app, reviewer=reviewer)
    return app


def rule(code: str) -> VotingRule:
    """A seeded rule (re-seeded after a transactional test's flush emptied the table)."""
    if not VotingRule.objects.filter(code=code, version=1).exists():
        import importlib

        from django.apps import apps

        importlib.import_module("grants.migrations.0002_seed_voting_rules").seed(apps, None)
    return VotingRule.objects.get(code=code, version=1)


def body(w: World, *, quorum: str = "majority-seated-not-recused", passing: str = "majority-votes-cast") -> GoverningBody:
    b = services.governing_body_create(actor=w.admin, ach=w.ach, name=f"Board {next(_seq)}",
                                       quorum_rule=rule(quorum), passing_rule=rule(passing))
    seated = timezone.localdate() - dt.timedelta(days=365)
    services.seat_add(actor=w.admin, body=b, member=w.chair, seated_on=seated, is_chair=True, title="Chair")
    for m in w.board:
        services.seat_add(actor=w.admin, body=b, member=m, seated_on=seated, title="Member")
    return b


def meeting(w: World, b: GoverningBody):
    return services.meeting_schedule(actor=w.admin, body=b, title="Regular meeting",
                                     scheduled_at=timezone.now(), location="Community room")


def session(w: World, applications: list[Application], *, recommend: bool = True, titles: list[str] | None = None,
            present: list[User] | None = None, **body_rules: str) -> tuple[Meeting, list[AgendaItem]]:
    """Recommend ``applications`` (unless they already are: ``recommend=False``); a meeting in session
    with ``present`` (default: the chair and every member) recorded present, one agenda item each at the
    requested amount, titled "Item 1", "Item 2"... unless ``titles``. ``body_rules``: ``quorum``/``passing``
    rule codes of the body."""
    for app in applications if recommend else ():
        services.application_recommend(actor=w.admin, application=app, recommended=True)
    m = meeting(w, body(w, **body_rules))
    names = titles or [f"Item {i}" for i in range(1, len(applications) + 1)]
    items = [services.agenda_item_add(actor=w.admin, meeting=m, title=name, entries=[(a, a.requested_amount.amount)])
             for name, a in zip(names, applications, strict=True)]
    services.meeting_start(actor=w.chair, meeting=m)
    services.attendance_record(actor=w.chair, meeting=m, members=[w.chair, *w.board] if present is None else present)
    return m, items


def approve(w: World, item: AgendaItem) -> AgendaItem:
    """Open the vote on ``item`` (moved by the chair, seconded by the first member) and pass it
    with the chair's and the first two members' yes votes."""
    services.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for voter in (w.chair, w.board[0], w.board[1]):
        services.ballot_cast(actor=voter, item=item, choice="yes")
    return services.vote_close(actor=w.chair, item=item)


# ---------------------------------------------------------------- files

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office(kind: str) -> bytes:
    main = {
        "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
        "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    }[kind]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   f'<Override PartName="/{main[0]}" ContentType="{main[1]}"/></Types>')
        z.writestr(main[0], "<x/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    return buf.getvalue()


# ---------------------------------------------------------------- after the award

PERIOD = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
TRANCHES = [{"basis": "percent", "value": "50", "due_on": dt.date(2027, 1, 15)},
            {"basis": "percent", "value": "30", "due_on": dt.date(2027, 7, 15), "requires_report": 1},
            {"basis": "percent", "value": "20", "due_on": dt.date(2028, 3, 15), "requires_report": 2}]


def passed_item(w: World, i: int = 0, amount: str = "20000.00", opp: FundingOpportunity | None = None):
    """A submitted, recommended application of CBO ``i`` approved by the board; returns the agenda item."""
    app = submitted(w, opp or opportunity(w), i, amount)
    _meeting, (item,) = session(w, [app], titles=["Award motion"])
    return approve(w, item)


def award(w: World, *, i: int = 0, amount: str = "20000.00", receive: str | None = "50000.00",
          accept: bool = True, tranches: list[dict[str, Any]] | None = None, opp: FundingOpportunity | None = None):
    """An award to CBO ``i`` (accepted unless told), with budget lines 1 (personnel) and 2 (supplies)."""
    from grants.models import Decision

    if receive:
        wf.receive(w.fund, receive)
    item = passed_item(w, i, amount, opp=opp)
    decision = Decision.objects.get(item=item)
    a = services.award_create(actor=w.admin, decision=decision, amount=amount, period_start=PERIOD[0],
                              period_end=PERIOD[1], tranches=tranches or TRANCHES, committed_on=dt.date(2026, 12, 1))
    if accept:
        a = services.award_accept(actor=w.staff[i], award=a, name="María López", title="Director")
    return a


def people(total: int, county_fips: str = "06025") -> dict[str, dict[str, int]]:
    """A consistent people-served breakdown of ``total`` people: county and every dimension of the
    equity taxonomy in force (each adds up to ``total``)."""
    half = total // 2
    return {
        "county": {county_fips: total - 1, "not_reported": 1} if total else {"not_reported": 0},
        "race": {"hispanic_latino": half, "white": total - half - 1, "not_reported": 1}
        if total > 1 else {"not_reported": total},
        "ethnicity": {"mexican": half, "not_reported": total - half},
        "language": {"spanish": half, "english": total - half},
        "disability": {"no_disability": half, "declined": total - half},
        "sexual_orientation": {"not_reported": total},
        "gender_identity": {"woman": half, "man": total - half},
        "sex": {"female": half, "male": total - half},
        "age_band": {"25-44": half, "45-64": total - half},
    }


def report_content(total: int = 120, spend: dict[int, str] | None = None) -> dict[str, Any]:
    return {
        "progress": "Twelve promotores sessions on diabetes prevention.",
        "successes": "Higher participation in sessions run with promotores.",
        "challenges": "Harvest season reduced evening attendance.",
        "total_served": total,
        "expenditures": spend if spend is not None else {1: "4000.00", 2: "1000.00"},
        "metrics": {"participants": {"target": "100", "actual": str(total)}},
        "people": people(total),
    }


def submitted_report(w: World, a: Any, number: int = 1, i: int = 0, **overrides: Any):
    """Save and submit report ``number``; ``spend`` = {line: amount} replaces the default expenditures."""
    schedule = a.reports.get(number=number)
    content = report_content()
    if "spend" in overrides:
        content["expenditures"] = overrides.pop("spend")
    services.report_save_draft(actor=w.staff[i], schedule=schedule, **(content | overrides))
    return services.report_submit(actor=w.staff[i], schedule=schedule)


def accepted_report(w: World, a: Any, number: int = 1, i: int = 0, **overrides: Any):
    schedule = submitted_report(w, a, number, i, **overrides)
    return services.report_accept(actor=w.admin, schedule=schedule, comment="Thank you.")


def pay(w: World, a: Any, number: int, on: dt.date = dt.date(2027, 1, 20)):
    tranche = a.tranches.get(number=number)
    services.tranche_release(actor=w.admin, tranche=tranche)
    return services.disbursement_record(actor=w.admin, tranche=tranche, paid_on=on,
                                        amount=tranche.amount.amount, payment_reference=f"ACH-{next(_seq)}")
