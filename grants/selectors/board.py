"""Board reads: seats in force, ballots, meetings, and the minutes as plain data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from organizations import access

from ..models import AgendaEntry, AgendaItem, Ballot, GoverningBody, Meeting, Recusal, Seat


def seats_on(body: GoverningBody, day: dt.date) -> list[Seat]:
    """Seats of ``body`` in force on ``day`` (with their members). One query."""
    return list(
        body.seats.filter(seated_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .select_related("member")
    )


def _name(user: Any) -> str | None:
    return str(user) if user is not None else None


def ballots_for_item(*, item: AgendaItem) -> list[dict[str, Any]]:
    """Each ballot of an item (member, choice, time). One query (ballots joined with members)."""
    return [
        {"member_id": b.member_id, "member": str(b.member), "choice": b.choice, "cast_at": b.cast_at}
        for b in Ballot.objects.filter(item=item).select_related("member").order_by("member__last_name", "member_id")
    ]


def meeting_minutes(*, meeting: Meeting) -> dict[str, Any]:
    """The minutes as plain data: attendance, and per item the motion, mover, seconder, each member's
    vote, each recusal (with reason), the figures and the outcome, the decisions.

    8 queries whatever the number of items and members: meeting (with body,
    rules, certifier), seats, attendance, items (with mover, seconder),
    entries (with applications and applicants), recusals, ballots, decisions.
    """
    meeting = Meeting.objects.select_related(
        "body__ach", "body__quorum_rule", "body__passing_rule", "certified_by"
    ).get(pk=meeting.pk)
    day = timezone.localdate(meeting.scheduled_at)
    seats = seats_on(meeting.body, day)
    present = {a.member_id for a in meeting.attendance.all()}
    items = list(
        meeting.items.select_related("mover", "seconder").prefetch_related(
            Prefetch("entries", queryset=AgendaEntry.objects.select_related("application__applicant")
                     .order_by("id")),
            Prefetch("recusals", queryset=Recusal.objects.select_related("member").order_by("member_id")),
            Prefetch("ballots", queryset=Ballot.objects.select_related("member").order_by("member_id")),
            "decisions",
        ).order_by("number")
    )
    members = [
        {"member_id": s.member_id, "name": str(s.member), "title": s.title, "chair": s.is_chair,
         "voting": s.is_voting, "present": s.member_id in present}
        for s in seats
    ]
    out_items = []
    for item in items:
        ballots = {b.member_id: b.choice for b in item.ballots.all()}
        recusals = {r.member_id: r for r in item.recusals.all()}
        votes = []
        for s in seats:
            if not s.is_voting:
                continue
            if s.member_id in recusals:
                vote = "recused"
            elif s.member_id not in present:
                vote = "absent"
            else:
                vote = ballots.get(s.member_id, "not voting")
            votes.append({"member_id": s.member_id, "name": str(s.member), "vote": vote})
        decisions = {d.application_id: d for d in item.decisions.all()}
        out_items.append({
            "number": item.number,
            "title": item.title,
            "kind": item.kind,
            "motion": item.motion,
            "mover": _name(item.mover),
            "seconder": _name(item.seconder),
            "vote_status": item.vote_status,
            "outcome": item.outcome,
            "opened_at": item.opened_at,
            "closed_at": item.closed_at,
            "figures": {
                "seated": item.seated_count, "present_not_recused": item.present_count,
                "recused": item.recused_count, "quorum_required": item.quorum_required,
                "yes": item.yes_count, "no": item.no_count, "abstain": item.abstain_count,
            },
            "applications": [
                {"application_id": e.application_id, "applicant": str(e.application.applicant),
                 "project_title": e.application.project_title, "amount": e.amount.amount,
                 "decision": decisions[e.application_id].outcome if e.application_id in decisions else None}
                for e in item.entries.all()
            ],
            "recusals": [
                {"member_id": r.member_id, "name": str(r.member), "automatic": r.automatic, "reason": r.reason}
                for r in recusals.values()
            ],
            "votes": votes,
        })
    return {
        "meeting_id": meeting.pk,
        "body": meeting.body.name,
        "ach": str(meeting.body.ach),
        "title": meeting.title,
        "scheduled_at": meeting.scheduled_at,
        "location": meeting.location,
        "status": meeting.status,
        "quorum_rule": meeting.body.quorum_rule.description,
        "passing_rule": meeting.body.passing_rule.description,
        "members": members,
        "items": out_items,
        "notes": meeting.minutes_notes,
        "certified": meeting.certified_at is not None,
        "certified_at": meeting.certified_at,
        "certified_by": _name(meeting.certified_by),
    }


def meetings_visible(*, user: Any) -> QuerySet[Meeting]:
    return access.scoped(user, "view", Meeting.objects.all()).select_related("body").order_by("-scheduled_at")
