"""The data of an award letter, from ``grants.selectors.award_with_schedule`` (fixed queries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from organizations.models import Organization
from reinvestment.references import SourceRef

from ..data import Signer
from ..documents.award_letter import Award, AwardLetter, Fund, Named, ReportDue, Tranche


def _award(award_id: int) -> Any:
    from grants.models import Award

    award = Award.objects.select_related("fund__ach", "grantee", "restriction").filter(pk=award_id).first()
    if award is None:
        raise ValidationError({"award": f"No award with id {award_id}."})
    return award


def resolve(params: Mapping[str, Any]) -> Organization:
    return _award(params["award"]).fund.ach


def award_letter_data(params: Mapping[str, Any]) -> AwardLetter:
    from grants.selectors import award_with_schedule

    award = _award(params["award"])
    data = award_with_schedule(award=award)
    conditions = [line.strip() for line in (data["conditions"] or "").splitlines() if line.strip()]
    tranches = []
    for t in data["tranches"]:
        condition = (f"Released when report {t['requires_report']} is accepted" if t["requires_report"]
                     else "Released on the date shown")
        tranches.append(Tranche(label=f"Tranche {t['number']}", amount=t["amount"], due=t["due_on"],
                                condition=condition))
    return AwardLetter(
        award=Award(reference=SourceRef.try_parse(data["reference"]) or data["reference"],
                    title=data["project_title"] or data["opportunity"],
                    amount=data["amount"], date=data["committed_on"], start=data["period_start"],
                    end=data["period_end"], restriction=f"{award.restriction.name} ({data['restriction']})",
                    opportunity=data["opportunity"], approved_at_meeting=data["approved_at_meeting"],
                    conditions=tuple(conditions or ["The standard grant terms of the fund apply."]),
                    tranches=tuple(tranches),
                    reports=tuple(ReportDue(number=r["number"], kind=r["kind"], due=r["due_on"])
                                  for r in data["reports"])),
        grantee=Named(name=data["grantee"]),
        fund=Fund(name=award.fund.name, ach=str(award.fund.ach)),
        signatory=Signer(name="", title=f"For the board of {award.fund.ach}"),
    )
