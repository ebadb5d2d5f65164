"""What counts toward an earmark beyond its social-driver domains, as SQL on fulfilment allocations.

An earmark of a policy version (``PolicyEarmark``, copied into the obligation's snapshot) may
require:

* ``requires_cha_chip_alignment``: the part counts when it serves a priority of the community
  health improvement plan (CHA/CHIP). The record of that is the priority tags the community app
  keeps (a direct investment's own tags; a wellness fund contribution inherits the priorities
  the fund declares). The app above registers them here (``register_chip_alignment``), since
  this app may not import it. The ``cha_chip_aligned`` flag recorded with older payments still
  counts, so obligations summarised before the tags existed read the same.
* ``requires_equity_partner``: the part counts when it was paid to an SDOH/equity partner
  (Oregon SHARE: "a portion of funds must go to SDOH/Equity Partners"): a payee that is a
  community-based organization. Apps above may register further evidence
  (``register_equity_partner``). A program the plan operates itself (its credit's payee is the
  plan) is never a payment to an equity partner, whatever the evidence.

``annotate`` adds both as booleans (``chip_tagged``, ``equity_partner``) without an extra query;
``matches`` applies an earmark to one annotated allocation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db.models import BooleanField, ExpressionWrapper, F, Model, Q, QuerySet

from organizations.models import OrganizationKind

M = TypeVar("M", bound=Model)

_CHIP: list[Callable[[], Q]] = []
_PARTNER: list[Callable[[], Q]] = []


def register_chip_alignment(condition: Callable[[], Q]) -> None:
    """``condition()``: a ``Q`` on ``FulfilmentAllocation`` true when the part serves a CHIP priority."""
    if condition not in _CHIP:
        _CHIP.append(condition)


def register_equity_partner(condition: Callable[[], Q]) -> None:
    if condition not in _PARTNER:
        _PARTNER.append(condition)


def chip_aligned() -> Q:
    """A part serves the CHA/CHIP: the recorded flag, or any registered evidence (the tags)."""
    q = Q(cha_chip_aligned=True)
    for condition in _CHIP:
        q |= condition()
    return q


def equity_partner() -> Q:
    """A part went to an SDOH/equity partner: a community-based organization, or registered evidence;
    never money the plan spent on a program it operates itself (the credit's payee is the plan)."""
    q = Q(credit__payee__kind=OrganizationKind.CBO)
    for condition in _PARTNER:
        q |= condition()
    return q & ~Q(credit__payee_id=F("credit__plan_id"))


def annotate(allocations: QuerySet[M]) -> QuerySet[M]:
    """``FulfilmentAllocation`` rows with ``chip_tagged`` and ``equity_partner`` (no extra query)."""
    return allocations.annotate(
        chip_tagged=ExpressionWrapper(chip_aligned(), output_field=BooleanField()),
        equity_partner=ExpressionWrapper(equity_partner(), output_field=BooleanField()))


def matches(earmark: Mapping[str, Any], *, domain: str, chip_tagged: bool, equity_partner: bool) -> bool:
    """Whether a part (its domain and the two annotations) counts toward ``earmark`` (a snapshot entry)."""
    if earmark.get("domains") and domain not in earmark["domains"]:
        return False
    if earmark.get("requires_cha_chip_alignment") and not chip_tagged:
        return False
    return not (earmark.get("requires_equity_partner") and not equity_partner)
