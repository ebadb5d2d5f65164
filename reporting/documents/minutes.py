"""Board meeting minutes (per certified meeting): attendance, quorum, conflicts, items and votes.

Input: the plain dict of ``reporting.selectors.minutes.minutes_data``.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from ..pdf import flowables as f
from ..twin import Tables

TITLE = "Board Meeting Minutes"


def meta_labels(data: dict[str, Any]) -> dict[str, str]:
    meeting = data["meeting"]
    return {
        "title": f"{TITLE} — {data['ach']} — {f.date(meeting['date'])}",
        "subject": f"Minutes of {meeting['title']}",
        "author": data["ach"],
        "document_label": TITLE,
        "scope_label": data["ach"],
        "year_label": f.date(meeting["date"]),
    }


def story(data: dict[str, Any], report_id: str, version: int) -> list[Flowable]:
    meeting = data["meeting"]
    quorum = data["quorum"]
    out: list[Flowable] = [
        f.Heading(TITLE, 0),
        f.para(meeting["title"], f.H2),
        f.key_values([
            ("Organization", data["ach"]),
            ("Date", f.date(meeting["date"])),
            ("Location", meeting.get("location", "")),
            ("Quorum", f"{quorum['present']} present, {quorum['required']} required: "
                       f"{'met' if quorum['met'] else 'not met'}"),
            ("Certified", f"{meeting['certified_by']} on {f.date(meeting['certified_at'])}"),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Attendance", 1),
        *f.chunked_table(["Member", "Role", "Present"],
                         [[a["name"], a["role"], f.yes_no(a["present"])] for a in data["attendees"]],
                         widths=[0.5, 0.3, 0.2]),
        f.Heading("Conflicts of interest", 1),
        *f.chunked_table(["Member", "Item", "Action"],
                         [[c["member"], c["item"], c["action"]] for c in data["conflicts"]],
                         widths=[0.3, 0.4, 0.3]),
        f.Heading("Items and votes", 1),
    ]
    for item in data["items"]:
        out.append(f.para(item["title"], f.H2))
        if item.get("discussion"):
            out.append(f.para(item["discussion"]))
        out.append(f.key_values([
            ("Motion", item.get("motion", "")),
            ("For / against / abstain / recused",
             f"{item['votes_for']} / {item['votes_against']} / {item['abstain']} / {item['recused']}"),
            ("Outcome", item["outcome"]),
        ]))
    return out


def tables(data: dict[str, Any]) -> Tables:
    return {
        "attendance": (["name", "role", "present"],
                       [[a["name"], a["role"], a["present"]] for a in data["attendees"]]),
        "conflicts": (["member", "item", "action"],
                      [[c["member"], c["item"], c["action"]] for c in data["conflicts"]]),
        "items": (["title", "motion", "votes_for", "votes_against", "abstain", "recused", "outcome"],
                  [[i["title"], i.get("motion", ""), i["votes_for"], i["votes_against"], i["abstain"],
                    i["recused"], i["outcome"]] for i in data["items"]]),
    }
