"""Award letter (per award): the grantee, amount, period, restriction, tranches and conditions.

Input: the plain dict of ``reporting.selectors.award_letter.award_letter_data``.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Spacer

from ..pdf import flowables as f
from ..twin import Tables

TITLE = "Award Letter"


def meta_labels(data: dict[str, Any]) -> dict[str, str]:
    award = data["award"]
    return {
        "title": f"{TITLE} — {award['reference']} — {data['grantee']['name']}",
        "subject": f"Grant award {award['reference']} from {data['fund']['name']}",
        "author": data["fund"]["ach"],
        "document_label": TITLE,
        "scope_label": data["fund"]["name"],
        "year_label": f"Awarded {f.date(award['date'])}",
    }


def story(data: dict[str, Any], report_id: str, version: int) -> list[Flowable]:
    award = data["award"]
    grantee = data["grantee"]
    signatory = data.get("signatory") or {}
    return [
        f.Heading(TITLE, 0),
        f.para(f.date(award["date"])),
        f.para(grantee["name"]),
        Spacer(0, 8),
        f.para(f"Dear {grantee['name']},"),
        f.para(f"On behalf of {data['fund']['ach']}, we are pleased to award "
               f"{f.money(award['amount'])} from {data['fund']['name']} for “{award['title']}”."),
        f.key_values([
            ("Award", award["reference"]),
            ("Amount", f.money(award["amount"])),
            ("Period", f"{f.date(award['start'])} to {f.date(award['end'])}"),
            ("Restriction", award["restriction"]),
            ("Domain", award.get("domain", "")),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Payment schedule", 1),
        *f.chunked_table(["Tranche", "Amount", "Release", "Condition"],
                         [[t["label"], f.money(t["amount"]), f.date(t["due"]), t["condition"]]
                          for t in award["tranches"]],
                         widths=[0.2, 0.2, 0.15, 0.45], numeric=[1],
                         total=["Total", f.money(award["amount"]), "", ""]),
        f.Heading("Conditions", 1),
        *[f.para(f"• {c}") for c in award["conditions"]],
        Spacer(0, 18),
        f.para(signatory.get("name", "")),
        f.para(signatory.get("title", ""), f.SMALL),
    ]


def tables(data: dict[str, Any]) -> Tables:
    award = data["award"]
    return {
        "award": (["reference", "grantee", "amount", "date", "start", "end", "restriction"],
                  [[award["reference"], data["grantee"]["name"], award["amount"], award["date"],
                    award["start"], award["end"], award["restriction"]]]),
        "tranches": (["label", "amount", "due", "condition"],
                     [[t["label"], t["amount"], t["due"], t["condition"]] for t in award["tranches"]]),
    }
