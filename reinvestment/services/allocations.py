"""Allocations: how credits (sources of fulfilment) count toward obligations.

Each credit is split into allocations, each to exactly one obligation of the credit's
plan; the allocations of a credit never add up to more than its amount (checked here
under a lock on the credit row, and at COMMIT by a PostgreSQL constraint trigger).
Fulfilment of an obligation is the sum of its allocations.

**Automatic allocation** (``AllocationPlanner``), when a payment is recorded and when an
obligation is computed. A credit qualifies for an obligation when the credit's kind is
among the ``qualifying_sources`` of the ``AllocationRule`` of the obligation's policy basis
(community reinvestment bases: wellness fund contributions and direct investments;
premium at risk: payments to the purchaser only). The income year is the one the payer
named, else the oldest income year with a qualifying obligation not yet met whose
investment window contains the payment date, else the newest income year with financials.
Within that year (and policy code, when the payer named one) the credit goes to the
qualifying live obligations in order of the rule's ``priority`` then policy code, each up
to what it still needs; when the rule chose the year, what it does not need goes on to the
later years whose investment window contains the payment date, oldest first. What no
obligation needs is left unallocated (shown as such).

**By a person** (plan finance), with a reason, audited: ``allocation_create`` counts
unallocated money of a credit toward an obligation; ``allocation_move`` moves part of an
allocation to another obligation. Refused: more than the credit has left, an obligation of
another plan, a superseded or frozen obligation, an obligation whose basis the credit does
not qualify for (a community payment toward premium at risk), more than the obligation
still needs, a reversed credit. A frozen obligation (its year is locked) keeps the
allocations it has: new payments recorded for it still count (its investment window
usually opens after the lock), but a person neither adds to nor takes from it.

**Reversal** (``credits_reverse``): the credits of a reversed payment are marked reversed
and their allocations removed, in the caller's transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, JSONField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from moneyed import Money

from audit.services import record, record_bulk
from money import format_usd, parse_amount
from organizations.actors import Actor
from organizations.dates import date_words
from organizations.models import Organization

from ..models import (
    AllocationRule,
    CreditSource,
    FinancialYearStatus,
    FulfilmentAllocation,
    Obligation,
    ObligationCredit,
    ObligationStatus,
    PlanFinancialYear,
)
from ..selectors import LIVE, fulfilled_sum
from ._access import require_plan_finance

ZERO = Decimal("0.00")
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def rule_for_basis() -> Subquery:
    """The newest ``AllocationRule`` version of an obligation's policy basis (for annotations)."""
    return Subquery(
        AllocationRule.objects.filter(basis=OuterRef("policy__basis")).order_by("-version").values("pk")[:1]
    )


def _rule_field(name: str) -> Subquery:
    return Subquery(
        AllocationRule.objects.filter(basis=OuterRef("policy__basis")).order_by("-version").values(name)[:1]
    )


def qualifying_sources_for_basis() -> Subquery:
    return Subquery(
        AllocationRule.objects.filter(basis=OuterRef("policy__basis")).order_by("-version")
        .values("qualifying_sources")[:1],
        output_field=JSONField(),
    )


@dataclass
class _Target:
    pk: int
    income_year: int
    policy_code: str
    status: str
    total: Decimal
    allocated: Decimal
    window_start: datetime.date
    window_end: datetime.date
    sources: list[str]
    rule_id: int | None
    priority: int

    @property
    def needs(self) -> Decimal:
        return max(self.total - self.allocated, ZERO)


@dataclass
class Share:
    """Part of a credit to count toward one obligation (``rule_id``: the rule that chose it)."""

    obligation_id: int
    amount: Decimal
    rule_id: int | None = None


@dataclass
class AllocationPlanner:
    """The automatic rule (module docstring) over a plan's live obligations, read once (one query;
    one more, only when needed, for the newest income year). ``choose_year`` and ``shares``
    count what they hand out, so a batch allocates as single payments recorded in order would."""

    plan: Organization
    targets: list[_Target] = field(default_factory=list)
    _newest: int | None = None
    _newest_loaded: bool = False

    @classmethod
    def load(cls, plan: Organization) -> AllocationPlanner:
        rows = (
            Obligation.objects.filter(plan=plan, status__in=LIVE)
            .annotate(allocated=fulfilled_sum(), rule_id=rule_for_basis(),
                      sources=qualifying_sources_for_basis(), priority=_rule_field("priority"))
            .order_by("income_year", "policy_code", "pk")
            .values_list("pk", "income_year", "policy_code", "status", "total", "allocated", "window_start",
                         "window_end", "sources", "rule_id", "priority")
        )
        targets = [
            _Target(pk=pk, income_year=year, policy_code=code, status=status, total=total, allocated=allocated,
                    window_start=start, window_end=end, sources=list(sources or []), rule_id=rule_id,
                    priority=priority or 0)
            for pk, year, code, status, total, allocated, start, end, sources, rule_id, priority in rows
        ]
        return cls(plan=plan, targets=targets)

    def _newest_year(self) -> int | None:
        if not self._newest_loaded:
            self._newest = (
                PlanFinancialYear.objects.filter(plan=self.plan)
                .exclude(status=FinancialYearStatus.SUPERSEDED)
                .order_by("-income_year").values_list("income_year", flat=True).first()
            )
            self._newest_loaded = True
        return self._newest

    def choose_year(self, *, source: str, on: datetime.date) -> int:
        """The income year a payment of kind ``source`` made on ``on`` goes to (module docstring)."""
        unmet = sorted({
            t.income_year for t in self.targets
            if source in t.sources and t.window_start <= on <= t.window_end and t.needs > 0
        })
        if unmet:
            return unmet[0]
        newest = self._newest_year()
        if newest is None:
            raise ValidationError(
                {"income_year": gettext("%(plan)s has no financial year yet: say which income year the payment fulfils.")
                                % {"plan": self.plan.code}}
            )
        return newest

    def shares(
        self, *, source: str, income_year: int, policy_code: str, amount: Decimal,
        on: datetime.date | None = None,
    ) -> list[Share]:
        """How ``amount`` of a credit of kind ``source`` splits over the obligations of ``income_year``
        (and ``policy_code``, when given) it qualifies for; with ``on`` (the year was chosen by the
        rule, not named), what that year does not need goes on to the later years whose investment
        window contains ``on``. What is left over stays unallocated. Counts the shares as allocated."""
        out = []
        left = amount
        candidates = sorted(
            (t for t in self.targets
             if source in t.sources and (not policy_code or t.policy_code == policy_code)
             and (t.income_year == income_year
                  or (on is not None and t.income_year > income_year and t.window_start <= on <= t.window_end))),
            key=lambda t: (t.income_year, t.priority, t.policy_code, t.pk),
        )
        for t in candidates:
            if left <= 0:
                break
            part = min(left, t.needs)
            if part > 0:
                t.allocated += part
                left -= part
                out.append(Share(obligation_id=t.pk, amount=part, rule_id=t.rule_id))
        return out


def _allocation_after(a: FulfilmentAllocation) -> dict[str, object]:
    return {"credit": a.credit_id, "obligation": a.obligation_id, "county": a.county_id,
            "amount": str(a.amount.amount), "rule": a.rule_id, "reason": a.reason}


def allocations_write_auto(
    *, actor: Actor, plan: Organization, credits: Sequence[ObligationCredit], shares: Sequence[list[Share]]
) -> list[FulfilmentAllocation]:
    """Insert the automatic allocations ``shares[i]`` of ``credits[i]`` (one INSERT) and audit them.

    The caller holds the plan lock and computed the shares with an ``AllocationPlanner``.
    """
    rows = [
        FulfilmentAllocation(
            credit=credit, obligation_id=s.obligation_id, plan=plan, county_id=credit.county_id,
            domain=credit.domain, cha_chip_aligned=credit.cha_chip_aligned, credited_on=credit.credited_on,
            amount=s.amount, amount_currency=str(credit.amount.currency), rule_id=s.rule_id,
        )
        for credit, parts in zip(credits, shares, strict=True)
        for s in parts
    ]
    if rows:
        FulfilmentAllocation.objects.bulk_create(rows)
        record_bulk(actor=actor, action="reinvestment.allocation.auto", objs=rows, organization=plan,
                    afters=[_allocation_after(a) for a in rows])
    return rows


def allocations_auto(*, actor: Actor, plan: Organization) -> list[FulfilmentAllocation]:
    """Allocate by the automatic rule what the plan's credits have left unallocated (e.g. after an
    obligation is computed): each credit toward its recorded income year (and policy code),
    oldest credit first. A fixed number of queries."""
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()
        pending = list(
            ObligationCredit.objects.filter(plan=plan, reversed_on__isnull=True)
            .annotate(done=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=_MONEY))
            .filter(done__lt=F("amount")).order_by("credited_on", "pk")
        )
        if not pending:
            return []
        list(ObligationCredit.objects.select_for_update().filter(pk__in=[c.pk for c in pending]).values_list("pk"))
        planner = AllocationPlanner.load(plan)
        shares = [
            planner.shares(source=c.source, income_year=c.income_year, policy_code=c.policy_code,
                           amount=c.amount.amount - c.done)  # type: ignore[attr-defined]  # annotated above
            for c in pending
        ]
        # A share toward an obligation the credit already counts toward grows that allocation.
        held = {(a.credit_id, a.obligation_id): a for a in FulfilmentAllocation.objects.select_for_update()
                .filter(credit__in=pending, obligation_id__in={s.obligation_id for p in shares for s in p})}
        grown = []
        for credit, parts in zip(pending, shares, strict=True):
            for share in [s for s in parts if (credit.pk, s.obligation_id) in held]:
                allocation = held[(credit.pk, share.obligation_id)]
                before = _allocation_after(allocation)
                allocation.amount = Money(allocation.amount.amount + share.amount, allocation.amount.currency)
                allocation.rule_id = share.rule_id
                allocation.save(update_fields=["amount", "rule", "updated_at"])
                record(actor=actor, action="reinvestment.allocation.auto", obj=allocation, before=before,
                       after=_allocation_after(allocation), organization=plan)
                grown.append(allocation)
                parts.remove(share)
        return grown + allocations_write_auto(actor=actor, plan=plan, credits=pending, shares=shares)


def allocations_after_compute(*, actor: Actor, obligation: Obligation) -> None:
    """After an obligation is computed: carry the allocations of the obligation it replaces (same
    policy, the amended year's predecessor) over to it, up to its total; release what is above
    its total; then allocate by the automatic rule what the plan's credits have left."""
    # Every writer of allocations takes the plan lock first (recording, the rule, a person).
    Organization.objects.select_for_update().filter(pk=obligation.plan_id).values_list("pk", flat=True).get()
    year = obligation.financial_year
    if year.supersedes_id is not None:
        for old in FulfilmentAllocation.objects.select_for_update().filter(
            obligation__financial_year_id=year.supersedes_id, obligation__policy_code=obligation.policy_code,
            obligation__status=ObligationStatus.SUPERSEDED,
        ).order_by("credited_on", "pk"):
            _carry_over(actor=actor, allocation=old, obligation=obligation)
    _trim(actor=actor, obligation=obligation)
    allocations_auto(actor=actor, plan=obligation.plan)


def _trim(*, actor: Actor, obligation: Obligation) -> None:
    """A recomputed obligation whose total fell below its allocations releases the excess, newest
    allocations first (released money is then allocated by the rule, or left unallocated)."""
    rows = list(FulfilmentAllocation.objects.select_for_update().filter(obligation=obligation)
                .order_by("-credited_on", "-pk"))
    excess = sum((a.amount.amount for a in rows), ZERO) - obligation.total.amount
    for allocation in rows:
        if excess <= 0:
            break
        part = min(excess, allocation.amount.amount)
        before = _allocation_after(allocation)
        if part == allocation.amount.amount:
            allocation.delete()
        else:
            allocation.amount = Money(allocation.amount.amount - part, allocation.amount.currency)
            allocation.save(update_fields=["amount", "updated_at"])
        excess -= part
        record(actor=actor, action="reinvestment.allocation.release", obj=obligation, before=before,
               after={"released": str(part)}, organization=obligation.plan,
               reason="The obligation was recomputed below what was allocated to it.")


def _carry_over(*, actor: Actor, allocation: FulfilmentAllocation, obligation: Obligation) -> None:
    needs = obligation.total.amount - (
        FulfilmentAllocation.objects.filter(obligation=obligation).aggregate(s=Sum("amount"))["s"] or ZERO
    )
    part = min(max(needs, ZERO), allocation.amount.amount)
    before = _allocation_after(allocation)
    allocation.delete()
    if part > 0:
        allocation.pk = None
        allocation.obligation = obligation
        allocation.amount = Money(part, allocation.amount.currency)
        allocation.save()
    record(actor=actor, action="reinvestment.allocation.carry_over", obj=obligation, before=before,
           after={"obligation": obligation.pk, "amount": str(part)}, organization=obligation.plan,
           reason="The income year was amended; the allocation follows the obligation that replaces it.")


# --- by a person ----------------------------------------------------------------------------


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": gettext("Say why the money is allocated this way.")})
    return text


def _lock(credit_id: int) -> tuple[ObligationCredit, Decimal]:
    """The credit row locked for the transaction, and what its allocations add up to."""
    credit = ObligationCredit.objects.select_for_update(of=("self",)).select_related("plan").get(pk=credit_id)
    allocated = FulfilmentAllocation.objects.filter(credit_id=credit.pk).aggregate(s=Sum("amount"))["s"] or ZERO
    return credit, allocated


def _check_target(credit: ObligationCredit, obligation: Obligation) -> tuple[Decimal, int | None]:
    """Refuse an obligation the credit may not count toward; returns (what it still needs, rule id)."""
    if obligation.plan_id != credit.plan_id:
        raise ValidationError({"obligation": gettext("That obligation is not one of this plan's obligations.")})
    target = (
        Obligation.objects.filter(pk=obligation.pk)
        .annotate(allocated=fulfilled_sum(), rule_id=rule_for_basis(),
                  sources=qualifying_sources_for_basis())
        .values("status", "total", "allocated", "rule_id", "sources", "policy__basis", "policy_code").get()
    )
    if target["status"] == ObligationStatus.SUPERSEDED:
        raise ValidationError({"obligation": gettext("That obligation was superseded by an amendment; use the live one.")})
    if target["status"] == ObligationStatus.FROZEN:
        raise ValidationError(
            {"obligation": gettext("The %(policy)s obligation is frozen (its year is locked): its allocations are "
                                   "not changed by hand.") % {"policy": target["policy_code"]}}
        )
    if credit.source not in (target["sources"] or []):
        raise ValidationError({"obligation": (
            gettext("A %(source)s does not count toward this obligation (%(policy)s).")
            % {"source": str(CreditSource(credit.source).label).lower(), "policy": target["policy_code"]}
        )})
    return max(target["total"] - target["allocated"], ZERO), target["rule_id"]


def _add(credit: ObligationCredit, obligation: Obligation, amount: Decimal, reason: str) -> FulfilmentAllocation:
    existing = FulfilmentAllocation.objects.select_for_update().filter(credit=credit, obligation=obligation).first()
    if existing is not None:
        existing.amount = Money(existing.amount.amount + amount, existing.amount.currency)
        existing.reason = reason
        existing.rule = None
        existing.save(update_fields=["amount", "reason", "rule", "updated_at"])
        return existing
    return FulfilmentAllocation.objects.create(
        credit=credit, obligation=obligation, plan_id=credit.plan_id, county_id=credit.county_id,
        domain=credit.domain, cha_chip_aligned=credit.cha_chip_aligned, credited_on=credit.credited_on,
        amount=amount, amount_currency=str(credit.amount.currency), reason=reason,
    )


def allocation_create(
    *, actor: Actor, credit: ObligationCredit, obligation: Obligation, amount: Decimal | str, reason: str
) -> FulfilmentAllocation:
    """Count ``amount`` of what ``credit`` has left unallocated toward ``obligation`` (plan finance)."""
    require_plan_finance(actor, credit.plan)
    why = _reason(reason)
    value = parse_amount(amount, field="amount")
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=credit.plan_id).values_list("pk", flat=True).get()
        locked, allocated = _lock(credit.pk)
        if locked.reversed_on is not None:
            raise ValidationError({"credit": gettext("The payment was reversed on %(day)s: nothing to allocate.")
                                            % {"day": date_words(locked.reversed_on)}})
        needs, _ = _check_target(locked, obligation)
        left = locked.amount.amount - allocated
        if value > left:
            raise ValidationError({"amount": gettext("Only %(left)s of this payment is unallocated; %(value)s asked.")
                                            % {"left": format_usd(left), "value": format_usd(value)}})
        if value > needs:
            raise ValidationError({"amount": gettext("The obligation needs only %(needs)s more; %(value)s asked.")
                                            % {"needs": format_usd(needs), "value": format_usd(value)}})
        allocation = _add(locked, obligation, value, why)
        record(actor=actor, action="reinvestment.allocation.create", obj=allocation,
               after=_allocation_after(allocation) | {"added": str(value)}, reason=why, organization=locked.plan)
    return allocation


def allocation_move(
    *, actor: Actor, allocation: FulfilmentAllocation, obligation: Obligation, amount: Decimal | str, reason: str
) -> FulfilmentAllocation:
    """Move ``amount`` of ``allocation`` to ``obligation`` of the same plan (plan finance), audited
    with ``reason``. Returns the allocation to ``obligation``."""
    require_plan_finance(actor, allocation.plan)
    why = _reason(reason)
    value = parse_amount(amount, field="amount")
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=allocation.plan_id).values_list("pk", flat=True).get()
        credit, _ = _lock(allocation.credit_id)
        current = FulfilmentAllocation.objects.select_for_update().select_related("obligation").filter(
            pk=allocation.pk).first()
        if current is None or credit.reversed_on is not None:
            raise ValidationError({"allocation": gettext("That allocation no longer exists (moved away or reversed).")})
        if current.obligation_id == obligation.pk:
            raise ValidationError({"obligation": gettext("The money already counts toward that obligation.")})
        if current.obligation.status == ObligationStatus.FROZEN:
            raise ValidationError(
                {"allocation": gettext("The %(policy)s obligation is frozen (its year is locked): its allocations "
                                       "are not changed by hand.") % {"policy": current.obligation.policy_code}}
            )
        needs, _ = _check_target(credit, obligation)
        if value > current.amount.amount:
            raise ValidationError({"amount": gettext("The allocation is %(amount)s; %(value)s cannot move.")
                                            % {"amount": format_usd(current.amount.amount), "value": format_usd(value)}})
        if value > needs:
            raise ValidationError({"amount": gettext("The obligation needs only %(needs)s more; %(value)s asked.")
                                            % {"needs": format_usd(needs), "value": format_usd(value)}})
        before = _allocation_after(current)
        if value == current.amount.amount:
            current.delete()
        else:
            current.amount = Money(current.amount.amount - value, current.amount.currency)
            current.save(update_fields=["amount", "updated_at"])
        moved = _add(credit, obligation, value, why)
        record(actor=actor, action="reinvestment.allocation.move", obj=moved, before=before,
               after=_allocation_after(moved) | {"moved": str(value), "from_obligation": before["obligation"]},
               reason=why, organization=credit.plan)
    return moved


# --- reversal -------------------------------------------------------------------------------


def credits_reverse(
    *, actor: Actor, source: str, references: Iterable[str], on: datetime.date, reason: str = ""
) -> list[ObligationCredit]:
    """Mark the credits of reversed payments reversed and remove their allocations (audited), in
    the caller's transaction. Refuses a payment already reversed (nothing written). Trusts its
    caller to have checked the actor's right to reverse the payment (the ledger reversal does)."""
    refs = sorted(set(references))
    with transaction.atomic():
        credits = list(
            ObligationCredit.objects.select_for_update(of=("self",)).select_related("plan")
            .filter(source=source, reference__in=refs).order_by("pk")
        )
        done = sorted({c.reference for c in credits if c.reversed_on is not None})
        if done:
            raise ValidationError({"payment": gettext("%(payments)s is already reversed.") % {"payments": ", ".join(done)}})
        if not credits:
            return []
        allocations = list(FulfilmentAllocation.objects.filter(credit__in=credits).order_by("pk"))
        by_credit: dict[int, list[dict[str, object]]] = defaultdict(list)
        for a in allocations:
            by_credit[a.credit_id].append(_allocation_after(a))
        FulfilmentAllocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
        ObligationCredit.objects.filter(pk__in=[c.pk for c in credits]).update(reversed_on=on)
        for credit in credits:
            credit.reversed_on = on
            record(actor=actor, action="reinvestment.credit.reverse", obj=credit,
                   before={"allocations": by_credit.get(credit.pk, [])},
                   after={"reversed_on": on, "allocations": []}, reason=reason, organization=credit.plan)
    return credits
