"""Wellness fund annual statement (per fund and fiscal year).

Input: the plain dict of ``reporting.selectors.fund_statement.fund_statement_data``:
sources and uses, contributions by plan and source, awards, disbursements,
returns, balances by restriction and board decisions. Money is Decimal.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Spacer

from ..pdf import flowables as f
from ..twin import Tables

TITLE = "Wellness Fund Annual Statement"


def meta_labels(data: dict[str, Any]) -> dict[str, str]:
    fund = data["fund"]
    return {
        "title": f"{TITLE} — {fund['name']} — fiscal year {data['fiscal_year']}",
        "subject": f"Sources and uses of {fund['name']}, fiscal year {data['fiscal_year']}",
        "author": fund["ach"],
        "document_label": TITLE,
        "scope_label": fund["name"],
        "year_label": f"Fiscal year {data['fiscal_year']}",
    }


def story(data: dict[str, Any], report_id: str, version: int) -> list[Flowable]:
    fund = data["fund"]
    period = data["period"]
    return [
        f.Heading(TITLE, 0),
        f.para(fund["name"], f.TITLE),
        f.key_values([
            ("Fund", f"{fund['name']} ({fund['code']})"),
            ("Held by", fund["ach"]),
            ("Fiscal year", f"{data['fiscal_year']}: {f.date(period['start'])} to {f.date(period['end'])}"),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        f.Heading("Sources and uses", 0),
        *f.chunked_table(["Line", "Amount"], [["Opening balance", f.money(data["opening_balance"])]]
                         + [[f"Source: {s['label']}", f.money(s["amount"])] for s in data["sources"]]
                         + [[f"Use: {u['label']}", f.money(u["amount"])] for u in data["uses"]],
                         widths=[0.7, 0.3], numeric=[1],
                         total=["Closing balance", f.money(data["closing_balance"])]),
        f.Heading("Contributions by plan and source", 1),
        *f.chunked_table(["Contributor", "Source", "Amount"],
                         [[c["contributor"], c["source"], f.money(c["amount"])] for c in data["contributions"]],
                         widths=[0.5, 0.25, 0.25], numeric=[2],
                         total=["Total", "", f.money(data["total_contributions"])]),
        f.Heading("Awards", 1),
        *f.chunked_table(["Award", "Grantee", "Date", "Amount"],
                         [[a["award"], a["grantee"], f.date(a["date"]), f.money(a["amount"])]
                          for a in data["awards"]],
                         widths=[0.2, 0.45, 0.15, 0.2], numeric=[3]),
        f.Heading("Disbursements", 1),
        *f.chunked_table(["Award", "Grantee", "Date", "Amount"],
                         [[d["award"], d["grantee"], f.date(d["date"]), f.money(d["amount"])]
                          for d in data["disbursements"]],
                         widths=[0.2, 0.45, 0.15, 0.2], numeric=[3]),
        f.Heading("Returns of unspent funds", 1),
        *f.chunked_table(["Award", "Date", "Amount"],
                         [[r["award"], f.date(r["date"]), f.money(r["amount"])] for r in data["returns"]],
                         widths=[0.5, 0.25, 0.25], numeric=[2]),
        f.Heading("Balances by restriction", 1),
        *f.chunked_table(["Restriction", "Kind", "Opening", "Closing"],
                         [[b["restriction"], b["kind"], f.money(b["opening"]), f.money(b["closing"])]
                          for b in data["balances"]],
                         widths=[0.4, 0.2, 0.2, 0.2], numeric=[2, 3]),
        f.Heading("Board decisions", 1),
        *f.chunked_table(["Date", "Meeting", "Decision", "Outcome"],
                         [[f.date(b["date"]), b["meeting"], b["decision"], b["outcome"]]
                          for b in data["board_decisions"]],
                         widths=[0.12, 0.25, 0.45, 0.18]),
        Spacer(0, 6),
    ]


def tables(data: dict[str, Any]) -> Tables:
    return {
        "sources_uses": (["kind", "label", "amount"],
                         [["opening", "Opening balance", data["opening_balance"]]]
                         + [["source", s["label"], s["amount"]] for s in data["sources"]]
                         + [["use", u["label"], u["amount"]] for u in data["uses"]]
                         + [["closing", "Closing balance", data["closing_balance"]]]),
        "contributions": (["contributor", "source", "amount"],
                          [[c["contributor"], c["source"], c["amount"]] for c in data["contributions"]]),
        "awards": (["award", "grantee", "date", "amount"],
                   [[a["award"], a["grantee"], a["date"], a["amount"]] for a in data["awards"]]),
        "disbursements": (["award", "grantee", "date", "amount"],
                          [[d["award"], d["grantee"], d["date"], d["amount"]] for d in data["disbursements"]]),
        "returns": (["award", "date", "amount"], [[r["award"], r["date"], r["amount"]] for r in data["returns"]]),
        "balances": (["restriction", "kind", "opening", "closing"],
                     [[b["restriction"], b["kind"], b["opening"], b["closing"]] for b in data["balances"]]),
        "board_decisions": (["date", "meeting", "decision", "outcome"],
                            [[b["date"], b["meeting"], b["decision"], b["outcome"]]
                             for b in data["board_decisions"]]),
    }
