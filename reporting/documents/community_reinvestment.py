"""Community Reinvestment Report (per plan and income year), for the regulator.

Input is the plain dict returned by
``reporting.selectors.community_reinvestment.community_reinvestment_data`` (money
as Decimal, shares as Decimal fractions, dates as ``date``). Sections: cover,
summary with each computation line, county allocation, investments, grants,
outcomes and people served (small cells already suppressed by the selector),
earmark compliance, community input, attestation, and an appendix listing
every record behind the totals.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, PageBreak, Spacer

from ..pdf import flowables as f
from ..pdf.charts import bar_chart
from ..twin import Tables

TITLE = "Community Reinvestment Report"


def meta_labels(data: dict[str, Any]) -> dict[str, str]:
    plan = data["plan"]["name"]
    year = data["income_year"]
    return {
        "title": f"{TITLE} — {plan} — income year {year}",
        "subject": f"Community reinvestment obligation and fulfilment, income year {year}",
        "author": plan,
        "document_label": TITLE,
        "scope_label": plan,
        "year_label": f"Income year {year}",
    }


def _count(value: int | None, threshold: int) -> str:
    return f"<{threshold}" if value is None else f"{value:,}"


def story(data: dict[str, Any], report_id: str, version: int) -> list[Flowable]:
    plan = data["plan"]
    window = data["investment_window"]
    out: list[Flowable] = [
        Spacer(0, 100),
        f.Heading(TITLE, 0),
        f.para(plan["name"], f.TITLE),
        f.key_values([
            ("Plan", f"{plan['legal_name']} ({plan['code']})"),
            ("Jurisdiction", plan.get("jurisdiction", "")),
            ("Income year", str(data["income_year"])),
            ("Investment window", f"{f.date(window['start'])} to {f.date(window['end'])}"),
            ("Version", f.version_label(version)),
            ("Report id", report_id),
        ]),
        PageBreak(),
    ]
    fin = data["financials"]
    policy = data["policy"]
    out += [
        f.Heading("Summary", 0),
        f.key_values([
            ("Total revenue", f.money(fin["revenue"])),
            ("Net income", f.money(fin["net_income"])),
            ("Quality result", fin["quality_result"]),
            ("Policy", f"{policy['name']}, version {policy['version']}"),
            ("Citation", policy["citation"]),
        ]),
        f.Heading("Computation", 1),
        *f.chunked_table(
            ["Step", "Amount"],
            [[ln["label"], f.money(ln["amount"])] for ln in data["computation"]],
            widths=[0.78, 0.22], numeric=[1],
            total=["Total obligation", f.money(data["total_obligation"])],
        ),
        f.key_values([
            ("Total obligation", f.money(data["total_obligation"])),
            ("Fulfilled", f.money(data["fulfilled"])),
            ("Remaining", f.money(data["remaining"])),
            ("Deadline", f.date(data["deadline"])),
            ("Status", data["status"]),
        ]),
        f.Heading("County allocation", 0),
        f.para(f"Allocation basis: {data['allocation_basis']}. Amounts are split to the cent by the "
               "largest-remainder method, so county amounts add up to the total."),
        *f.chunked_table(
            ["County", "Basis", "Share", "Allocated", "Fulfilled", "Remaining"],
            [[c["county"], f"{c['basis']:,}", f.percent(c["share"]), f.money(c["allocated"]),
              f.money(c["fulfilled"]), f.money(c["remaining"])] for c in data["counties"]],
            widths=[0.24, 0.14, 0.1, 0.18, 0.17, 0.17], numeric=[1, 2, 3, 4, 5],
            total=["Total", "", "", f.money(data["total_obligation"]), f.money(data["fulfilled"]),
                   f.money(data["remaining"])],
        ),
        bar_chart("Obligation vs fulfilled by county (USD)",
                  [c["county"] for c in data["counties"]],
                  [("Allocated", [c["allocated"] for c in data["counties"]]),
                   ("Fulfilled", [c["fulfilled"] for c in data["counties"]])]),
        f.Heading("Investments", 0),
        f.para("Wellness fund contributions and direct investments credited to this obligation."),
        *f.chunked_table(
            ["Payee", "Source", "County", "Domain", "CHA/CHIP", "Advisory", "Amount", "Date"],
            [[i["payee"], i["source_label"], i["county"], i["domain"], f.yes_no(i["cha_chip_aligned"]),
              f.yes_no(i["advisory_committee_consulted"]), f.money(i["amount"]), f.date(i["date"])]
             for i in data["investments"]],
            widths=[0.22, 0.1, 0.12, 0.16, 0.08, 0.08, 0.13, 0.11], numeric=[6],
            total=["Total", "", "", "", "", "", f.money(data["fulfilled"]), ""],
        ),
    ]
    if data["spend_by_domain"]:
        out.append(bar_chart("Spend by domain (USD)", [d["domain"] for d in data["spend_by_domain"]],
                             [("Spend", [d["amount"] for d in data["spend_by_domain"]])]))
    out += [
        f.Heading("Grants funded through wellness funds", 0),
        *f.chunked_table(
            ["Fund", "Grantee", "Award", "County", "Domain", "Awarded", "Attributed", "Date"],
            [[g["fund"], g["grantee"], g["award"], g["county"], g["domain"], f.money(g["amount"]),
              f.money(g["attributed"]), f.date(g["date"])] for g in data["grants"]],
            widths=[0.14, 0.22, 0.1, 0.11, 0.13, 0.11, 0.11, 0.08], numeric=[5, 6],
            total=["Total", "", "", "", "", f.money(data["grants_total"]),
                   f.money(data["grants_attributed_total"]), ""],
        ),
        f.Heading("Outcomes and people served", 0),
        *f.chunked_table(
            ["Grant", "Measure", "Target", "Actual", "Unit"],
            [[o["award"], o["measure"], o["target"], o["actual"], o["unit"]] for o in data["outcomes"]],
            widths=[0.14, 0.46, 0.13, 0.13, 0.14], numeric=[2, 3],
        ),
    ]
    people = data["people_served"]
    threshold = people["suppression_threshold"]
    out.append(f.para(f"Counts below {threshold} are suppressed (shown as <{threshold}), with a "
                      "second cell suppressed where one alone could be derived from the total.",
                      f.SMALL))
    for key, title in (("by_county", "County"), ("by_race_ethnicity", "Race/ethnicity"),
                       ("by_language", "Preferred language")):
        out.append(f.Heading(f"People served by {title.lower()}", 1))
        out += f.chunked_table([title, "People served"],
                               [[r["label"], _count(r["count"], threshold)] for r in people[key]],
                               widths=[0.7, 0.3], numeric=[1],
                               total=["Total", f"{people['total']:,}"] if people[key] else None)
    shown = [r for r in people["by_race_ethnicity"] if r["count"] is not None]
    if shown:
        out.append(bar_chart("People served by race/ethnicity", [r["label"] for r in shown],
                             [("People", [r["count"] for r in shown])]))
    out += [
        f.Heading("Earmark compliance", 0),
        *f.chunked_table(
            ["Earmark", "Required share", "Required", "Actual", "Met"],
            [[e["name"], f.percent(e["required_share"]), f.money(e["required_amount"]),
              f.money(e["actual"]), f.yes_no(e["met"])] for e in data["earmarks"]],
            widths=[0.4, 0.15, 0.17, 0.17, 0.11], numeric=[1, 2, 3],
        ),
        f.Heading("Community input", 0),
        *f.chunked_table(
            ["Date", "Body", "Summary"],
            [[f.date(c["date"]), c["body"], c["summary"]] for c in data["community_input"]],
            widths=[0.12, 0.25, 0.63],
        ),
        PageBreak(),
        *attestation_section(data),
        PageBreak(),
        f.Heading("Appendix: records behind the totals", 0),
        *f.chunked_table(
            ["Record", "Reference", "County", "Date", "Amount", "Description"],
            [[r["record"], r["reference"], r["county"], f.date(r["date"]), f.money(r["amount"]),
              r["description"]] for r in data["appendix"]],
            widths=[0.16, 0.24, 0.12, 0.1, 0.13, 0.25], numeric=[4],
        ),
    ]
    return out


def attestation_section(data: dict[str, Any]) -> list[Flowable]:
    plan = data["plan"]
    att = data.get("attestation")
    officer = data.get("compliance_officer") or {}
    statement = (
        f"I attest that this report presents, completely and accurately, the community "
        f"reinvestment obligation of {plan['legal_name']} for income year {data['income_year']}, "
        f"its computation under {data['policy']['name']} version {data['policy']['version']}, "
        "and every investment credited toward it."
    )
    out: list[Flowable] = [f.Heading("Attestation", 0), f.para(statement), Spacer(0, 20)]
    if att:
        out.append(f.key_values([
            ("Signed by", att["name"]),
            ("Title", att["title"]),
            ("Organization", plan["legal_name"]),
            ("Attested at", att["attested_at"].isoformat(timespec="seconds")),
        ]))
    else:
        out.append(f.key_values([
            ("Compliance officer", officer.get("name") or "________________________"),
            ("Title", officer.get("title") or "________________________"),
            ("Signature", "Not yet attested (draft)"),
            ("Date", "________________________"),
        ]))
    return out


def tables(data: dict[str, Any]) -> Tables:
    people = data["people_served"]
    return {
        "summary": (["item", "value"], [
            ["plan", data["plan"]["code"]], ["income_year", data["income_year"]],
            ["revenue", data["financials"]["revenue"]], ["net_income", data["financials"]["net_income"]],
            ["quality_result", data["financials"]["quality_result"]],
            ["policy", data["policy"]["name"]], ["policy_version", data["policy"]["version"]],
            ["total_obligation", data["total_obligation"]], ["fulfilled", data["fulfilled"]],
            ["remaining", data["remaining"]], ["deadline", data["deadline"]], ["status", data["status"]],
        ]),
        "computation": (["step", "amount"], [[ln["label"], ln["amount"]] for ln in data["computation"]]),
        "counties": (["county", "fips", "basis", "share", "allocated", "fulfilled", "remaining"],
                     [[c["county"], c["fips"], c["basis"], c["share"], c["allocated"], c["fulfilled"],
                       c["remaining"]] for c in data["counties"]]),
        "investments": (["source", "reference", "payee", "county", "domain", "cha_chip_aligned",
                         "advisory_committee_consulted", "amount", "date"],
                        [[i["source"], i["reference"], i["payee"], i["county"], i["domain"],
                          i["cha_chip_aligned"], i["advisory_committee_consulted"], i["amount"], i["date"]]
                         for i in data["investments"]]),
        "grants": (["fund", "award", "grantee", "county", "domain", "amount", "attributed", "date"],
                   [[g["fund"], g["award"], g["grantee"], g["county"], g["domain"], g["amount"],
                     g["attributed"], g["date"]] for g in data["grants"]]),
        "outcomes": (["award", "measure", "target", "actual", "unit"],
                     [[o["award"], o["measure"], o["target"], o["actual"], o["unit"]]
                      for o in data["outcomes"]]),
        "people_served": (["dimension", "label", "count"],
                          [[dim, r["label"], r["count"]] for dim in ("by_county", "by_race_ethnicity",
                                                                     "by_language")
                           for r in people[dim]]),
        "earmarks": (["earmark", "required_share", "required_amount", "actual", "met"],
                     [[e["name"], e["required_share"], e["required_amount"], e["actual"], e["met"]]
                      for e in data["earmarks"]]),
        "community_input": (["date", "body", "summary"],
                            [[c["date"], c["body"], c["summary"]] for c in data["community_input"]]),
        "appendix": (["record", "reference", "county", "date", "amount", "description"],
                     [[r["record"], r["reference"], r["county"], r["date"], r["amount"], r["description"]]
                      for r in data["appendix"]]),
    }
