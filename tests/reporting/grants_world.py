"""A plan whose contributions fund grants: plan year + fund + contribution + certified meeting + awards.

Built through the services of each part for one award; ``clone_awards`` then copies that award's
application, decision and award rows (and posts each commitment in the ledger) to reach a
given number of grants quickly, for query-count tests and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from grants import services as gs
from grants.models import AgendaItem, Application, Award, Decision, Meeting, MeetingStatus
from organizations.actors import SETUP
from organizations.models import Organization
from tests.grants import factories as gf
from tests.reporting.factories import plan_year
from tests.wellness_fund import factories as wf
from wellness_fund import services as ws
from wellness_fund.models import (
    Account,
    AccountRole,
    FundingSourceKind,
    LedgerLeg,
    LedgerTransaction,
    LegSide,
    TransactionKind,
)

TRANCHES = [{"basis": "percent", "value": "50", "due_on": dt.date(2027, 1, 15)},
            {"basis": "percent", "value": "50", "due_on": dt.date(2027, 8, 15), "requires_report": 1}]


@dataclass
class GrantsWorld:
    plan: Organization
    world: Any
    agreement: Any
    meeting: Any
    award: Award


def grants_world(*, code: str = "plan-gw", contribution: str = "400000.00") -> GrantsWorld:
    plan = plan_year(code=code, counties=3, credits=2, county_names=("Imperial", "Riverside", "San Diego"))
    w = gf.world(cbos=2, board=3)
    general = wf.general(w.fund)
    src = ws.funding_source_create(actor=SETUP, fund=w.fund, code=f"{code}-src", name=f"{plan} contributions",
                                   kind=FundingSourceKind.PLAN_CONTRIBUTION, restriction=general, contributor=plan)
    agreement = ws.agreement_create(actor=SETUP, fund=w.fund, plan=plan, funding_source=src, code=f"{code}-agr",
                                    basis="fixed", frequency="quarterly", starts_on=dt.date(2026, 1, 1),
                                    fixed_amount=Decimal(contribution))
    ws.statement_issue(actor=SETUP, agreement=agreement, period_start=dt.date(2026, 1, 1))
    ws.contribution_payment_record(actor=SETUP, agreement=agreement, amount=Decimal(contribution),
                                   received_on=dt.date(2026, 2, 1), bank_reference=f"{code}-pay-1",
                                   income_year=2024)
    wf.receive(w.fund, "100000.00")
    opp = gf.opportunity(w)
    app = gf.submitted(w, opp, 0, "20000.00")
    gs.application_recommend(actor=w.admin, application=app, recommended=True)
    type(opp).objects.filter(pk=opp.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    opp.refresh_from_db()
    gs.opportunity_close(actor=w.admin, opportunity=opp)
    body = gf.body(w)
    meeting = gf.meeting(w, body)
    item = gs.agenda_item_add(actor=w.admin, meeting=meeting, title="Promotores", entries=[(app, "20000.00")])
    gs.meeting_start(actor=w.chair, meeting=meeting)
    gs.attendance_record(actor=w.chair, meeting=meeting, members=[w.chair, *w.board])
    gs.vote_open(actor=w.chair, item=item, mover=w.chair, seconder=w.board[0])
    for voter in (w.chair, *w.board):
        gs.ballot_cast(actor=voter, item=item, choice="yes")
    gs.vote_close(actor=w.chair, item=item)
    gs.meeting_adjourn(actor=w.chair, meeting=meeting)
    gs.minutes_certify(actor=w.chair, meeting=meeting)
    award = gs.award_create(actor=w.admin, decision=Decision.objects.get(application=app), amount="20000.00",
                            period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31),
                            tranches=TRANCHES, conditions="Quarterly check-ins.\nServe Imperial County.")
    return GrantsWorld(plan=plan, world=w, agreement=agreement, meeting=meeting, award=award)


def clone_awards(gw: GrantsWorld, count: int, amount: Decimal = Decimal("100.00")) -> None:
    """Add ``count`` awards like the template one, each committed in the fund's ledger."""
    template = Award.objects.select_related("application", "decision").get(pk=gw.award.pk)
    counties = list(template.application.counties.all())
    apps = []
    for i in range(count):
        a = Application.objects.get(pk=template.application_id)
        a.pk = None
        a.id = None
        a.project_title = f"Program {i} — Niños Sanos"
        apps.append(a)
    apps = Application.objects.bulk_create(apps, batch_size=2000)
    through = Application.counties.through
    through.objects.bulk_create([through(application_id=a.pk, county_id=c.pk) for a in apps for c in counties],
                                batch_size=5000)
    # the template's meeting is certified (its items take no new rows): decide on a copy of it
    meeting = Meeting.objects.get(pk=template.decision.item.meeting_id)
    meeting.pk = meeting.id = None
    meeting.certified_at = None
    meeting.certified_by = None
    meeting.title = "Bench meeting"
    meeting.status = MeetingStatus.ADJOURNED
    meeting.save()
    item = AgendaItem.objects.get(pk=template.decision.item_id)
    item.pk = item.id = None
    item.meeting = meeting
    item.save()
    decisions = [Decision(application_id=a.pk, item_id=item.pk, outcome=template.decision.outcome,
                          approved_amount=amount, decided_at=template.decision.decided_at) for a in apps]
    decisions = Decision.objects.bulk_create(decisions, batch_size=2000)
    start = Award.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    awards = [Award(application_id=a.pk, decision_id=d.pk, grantee_id=template.grantee_id, fund_id=template.fund_id,
                    restriction_id=template.restriction_id, amount=amount, period_start=template.period_start,
                    period_end=template.period_end, conditions=template.conditions, status=template.status,
                    commitment_reference=f"grants.award:bench-{start}-{i}", committed_on=template.committed_on)
              for i, (a, d) in enumerate(zip(apps, decisions, strict=True))]
    awards = Award.objects.bulk_create(awards, batch_size=2000)
    for aw in awards:  # the reference every award carries, now that its id is known
        aw.commitment_reference = f"grants.award:{aw.pk}"
    Award.objects.bulk_update(awards, ["commitment_reference"], batch_size=2000)
    accounts = {a.role: a for a in Account.objects.filter(fund_id=template.fund_id,
                                                          restriction_id=template.restriction_id)}
    post_pairs(template.fund_id, TransactionKind.AWARD_COMMIT, template.committed_on,
               [(aw.commitment_reference, amount) for aw in awards],
               debit=accounts[AccountRole.AWARDS_COMMITTED], credit=accounts[AccountRole.AWARDS_PAYABLE])


def post_pairs(fund_id: int, kind: str, on: dt.date, rows: list[tuple[str, Decimal]], *, debit: Account,
               credit: Account) -> list[LedgerTransaction]:
    """Post one balanced two-leg transaction per (reference, amount), in bulk (one transaction,
    so the ledger's deferred balance check sees the legs)."""
    with transaction.atomic():
        txs = LedgerTransaction.objects.bulk_create(
            [LedgerTransaction(fund_id=fund_id, kind=kind, posted_on=on, reference=ref) for ref, _ in rows],
            batch_size=5000)
        legs = []
        for tx, (_, amount) in zip(txs, rows, strict=True):
            legs.append(LedgerLeg(transaction=tx, account=debit, fund_id=fund_id, posted_on=on,
                                  side=LegSide.DEBIT, amount=amount))
            legs.append(LedgerLeg(transaction=tx, account=credit, fund_id=fund_id, posted_on=on,
                                  side=LegSide.CREDIT, amount=amount))
        LedgerLeg.objects.bulk_create(legs, batch_size=5000)
    return txs
