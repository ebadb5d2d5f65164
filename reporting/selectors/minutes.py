"""The data of the minutes of a certified board meeting, from ``grants.selectors.meeting_minutes``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from money import format_usd
from organizations.models import Organization

from ..documents.minutes import Attendee, Conflict, Item, Meeting, Minutes, Quorum


def _meeting(meeting_id: int, *, draft: bool = False) -> Any:
    from grants.models import Meeting

    meeting = Meeting.objects.select_related("body__ach").filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationError({"meeting": f"No meeting with id {meeting_id}."})
    if meeting.certified_at is None and not draft:
        raise ValidationError({"meeting": f"Meeting {meeting_id} is not certified: minutes are issued "
                                          "for certified meetings only."})
    return meeting


def resolve(params: Mapping[str, Any]) -> Organization:
    return _meeting(params["meeting"]).body.ach


def minutes_data(params: Mapping[str, Any], *, draft: bool = False) -> Minutes:
    """The minutes of a certified meeting; ``draft=True``: of any meeting, as they stand (read as a
    draft before certification, never archived)."""
    from grants.selectors import meeting_minutes

    m = meeting_minutes(meeting=_meeting(params["meeting"], draft=draft))
    present = sum(1 for member in m["members"] if member["present"] and member["voting"])
    items = []
    conflicts = []
    for item in m["items"]:
        fig = item["figures"]
        for r in item["recusals"]:
            conflicts.append(Conflict(member=r["name"], item=f"{item['number']}. {item['title']}",
                                      action=("Recused automatically" if r["automatic"] else "Recused")
                                      + (f": {r['reason']}" if r["reason"] else "")))
        decisions = "; ".join(f"{a['applicant']} — {a['project_title']}: {format_usd(a['amount'])}"
                              + (f" ({a['decision']})" if a["decision"] else "")
                              for a in item["applications"])
        votes = ", ".join(f"{v['name']}: {v['vote']}" for v in item["votes"])
        items.append(Item(
            title=f"{item['number']}. {item['title']}",
            discussion=" ".join(x for x in (decisions, f"Votes: {votes}." if votes else "") if x),
            motion=(item["motion"] or "") + (f" (moved by {item['mover']}, seconded by {item['seconder']})"
                                             if item["mover"] else ""),
            votes_for=fig["yes"] or 0, votes_against=fig["no"] or 0, abstain=fig["abstain"] or 0,
            recused=fig["recused"] or 0, outcome=item["outcome"] or item["vote_status"],
        ))
    quorum_required = max((it["figures"]["quorum_required"] or 0 for it in m["items"]), default=0)
    return Minutes(
        ach=m["ach"],
        meeting=Meeting(id=m["meeting_id"], title=f"{m['body']}: {m['title']}",
                        date=timezone.localdate(m["scheduled_at"]), location=m["location"],
                        certified_at=timezone.localdate(m["certified_at"]) if m["certified_at"] else None,
                        certified_by=m["certified_by"] or "—"),
        quorum=Quorum(required=quorum_required, present=present, met=present >= quorum_required,
                      rule=m["quorum_rule"], passing_rule=m["passing_rule"]),
        attendees=tuple(Attendee(name=member["name"],
                                 role=member["title"] or ("Chair" if member["chair"] else "Member"),
                                 present=member["present"]) for member in m["members"]),
        conflicts=tuple(conflicts),
        items=tuple(items),
        notes=m["notes"],
    )
