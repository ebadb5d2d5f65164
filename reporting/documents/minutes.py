"""Board meeting minutes (per certified meeting): attendance, quorum, conflicts, items and votes.

Input: ``Minutes``, filled by ``reporting.selectors.minutes.minutes_data``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import Flowable

from ..pdf import flowables as f
from ..tables import Column, Table, twin_tables
from ..twin import Tables

TITLE = "Board Meeting Minutes"


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    date: dt.date
    location: str
    certified_at: dt.date | None  # None: a draft read before certification
    certified_by: str


@dataclass(frozen=True)
class Quorum:
    required: int
    present: int
    met: bool
    rule: str
    passing_rule: str


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str
    present: bool


@dataclass(frozen=True)
class Conflict:
    member: str
    item: str
    action: str


@dataclass(frozen=True)
class Item:
    title: str
    discussion: str
    motion: str
    votes_for: int
    votes_against: int
    abstain: int
    recused: int
    outcome: str


@dataclass(frozen=True)
class Minutes:
    ach: str
    meeting: Meeting
    quorum: Quorum
    attendees: tuple[Attendee, ...]
    conflicts: tuple[Conflict, ...]
    items: tuple[Item, ...]
    notes: str
    kind: str = "minutes"


ATTENDANCE: Table[Attendee] = Table("attendance", (
    Column("name", "Member", lambda r: r.name, width=0.5),
    Column("role", "Role", lambda r: r.role, width=0.3),
    Column("present", "Present", lambda r: r.present, "yes_no", 0.2)))
CONFLICTS: Table[Conflict] = Table("conflicts", (
    Column("member", "Member", lambda r: r.member, width=0.3),
    Column("item", "Item", lambda r: r.item, width=0.4),
    Column("action", "Action", lambda r: r.action, width=0.3)))
ITEMS: Table[Item] = Table("items", (
    Column("title", "Item", lambda r: r.title),
    Column("motion", "Motion", lambda r: r.motion),
    Column("votes_for", "For", lambda r: r.votes_for, "number"),
    Column("votes_against", "Against", lambda r: r.votes_against, "number"),
    Column("abstain", "Abstain", lambda r: r.abstain, "number"),
    Column("recused", "Recused", lambda r: r.recused, "number"),
    Column("outcome", "Outcome", lambda r: r.outcome)))


def meta_labels(data: Minutes) -> dict[str, str]:
    meeting = data.meeting
    return {
        "title": f"{TITLE} — {data.ach} — {f.date(meeting.date)}",
        "subject": f"Minutes of {meeting.title}",
        "author": data.ach,
        "document_label": TITLE,
        "scope_label": data.ach,
        "year_label": f.date(meeting.date),
    }


def story(data: Minutes, report_id: str, version: int) -> list[Flowable]:
    meeting = data.meeting
    quorum = data.quorum
    out: list[Flowable] = [
        f.Heading(TITLE, 0),
        f.para(meeting.title, f.H2),
        f.key_values([
            ("Organization", data.ach),
            ("Date", f.date(meeting.date)),
            ("Location", meeting.location),
            ("Quorum", f"{quorum.present} present, {quorum.required} required: "
                       f"{'met' if quorum.met else 'not met'}"),
            ("Certified", f"{meeting.certified_by} on {f.date(meeting.certified_at)}" if meeting.certified_at
             else "Not yet certified: a draft"),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Attendance", 1),
        *ATTENDANCE.pdf(data.attendees),
        f.Heading("Conflicts of interest", 1),
        *CONFLICTS.pdf(data.conflicts),
        f.Heading("Items and votes", 1),
    ]
    for item in data.items:
        out.append(f.para(item.title, f.H2))
        if item.discussion:
            out.append(f.para(item.discussion))
        out.append(f.key_values([
            ("Motion", item.motion),
            ("For / against / abstain / recused",
             f"{item.votes_for} / {item.votes_against} / {item.abstain} / {item.recused}"),
            ("Outcome", item.outcome),
        ]))
    return out


def tables(data: Minutes) -> Tables:
    return twin_tables((ATTENDANCE, data.attendees), (CONFLICTS, data.conflicts), (ITEMS, data.items))
