"""The CHIP priorities grants serve, and a fund's awards as its public transparency page shows them.

An award serves the priorities tagged on it, or, when it has none of its own, those of its
opportunity. Queries are constant in the number of awards (awards, counties, tags).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from community.models import AdvisoryMeeting
from community.transparency import Discussed, PublicAward
from wellness_fund.models import WellnessFund

from ..models import (
    Application,
    Award,
    AwardMeeting,
    AwardStatus,
    GrantPriorityTag,
    SocialDriverDomain,
)

DOMAIN_LABELS = dict(SocialDriverDomain.choices)


def award_priorities(awards: Iterable[tuple[int, int]]) -> dict[int, list[str]]:
    """(award id, opportunity id) pairs -> the titles of the priorities each award serves (1 query)."""
    pairs = list(awards)
    if not pairs:
        return {}
    own: dict[int, list[str]] = defaultdict(list)
    inherited: dict[int, list[str]] = defaultdict(list)
    tags = (GrantPriorityTag.objects.filter(Q(award_id__in=[a for a, _ in pairs])
                                            | Q(opportunity_id__in={o for _, o in pairs}))
            .order_by("priority__health_plan__title", "priority__position", "id")
            .values_list("award_id", "opportunity_id", "priority__title"))
    for award_id, opportunity_id, title in tags:
        (own[award_id] if award_id else inherited[opportunity_id]).append(title)
    return {a: own.get(a) or inherited.get(o, []) for a, o in pairs}


def public_awards(fund: WellnessFund) -> list[PublicAward]:
    """The fund's awards, offered or later, not cancelled (3 queries)."""
    rows = list(Award.objects.filter(fund=fund).exclude(status=AwardStatus.CANCELLED)
                .order_by("-committed_on", "id")
                .values_list("pk", "application_id", "application__opportunity_id", "grantee__display_name",
                             "grantee__legal_name", "amount", "amount_currency", "application__domains",
                             "committed_on"))
    if not rows:
        return []
    counties: dict[int, list[str]] = defaultdict(list)
    for application_id, name in (Application.counties.through.objects
                                 .filter(application_id__in=[r[1] for r in rows]).order_by("county__name")
                                 .values_list("application_id", "county__name")):
        counties[application_id].append(name)
    priorities = award_priorities((r[0], r[2]) for r in rows)
    return [PublicAward(grantee=display or legal, amount=amount, currency=currency,
                        counties=tuple(counties.get(application_id, ())),
                        domains=tuple(str(DOMAIN_LABELS.get(d, d)) for d in domains or ()),
                        priorities=tuple(priorities.get(pk, ())), committed_on=committed_on)
            for pk, application_id, _, display, legal, amount, currency, domains, committed_on in rows]


def discussed_awards(meeting: AdvisoryMeeting) -> list[Discussed]:
    """The awards discussed at ``meeting`` as its public page shows them: grantee and amount; a
    cancelled award is left out (1 query)."""
    rows = (AwardMeeting.objects.filter(meeting=meeting).exclude(award__status=AwardStatus.CANCELLED)
            .order_by("award__committed_on", "id")
            .values_list("award__grantee__display_name", "award__grantee__legal_name", "award__amount",
                         "award__amount_currency"))
    return [Discussed("award", display or legal, amount, currency) for display, legal, amount, currency in rows]
