"""Seed the reinvestment policies seen in practice (every figure is data an administrator can version).

Rates are fractions; thresholds of kind "revenue_share" are fractions of total revenue.
"""

from decimal import Decimal as D

from django.db import migrations

QTI_MEASURES = [
    {"code": "cis-10", "name": "Childhood immunization status, combination 10"},
    {"code": "col", "name": "Colorectal cancer screening"},
    {"code": "hbd", "name": "Hemoglobin A1c control for patients with diabetes (HbA1c < 8%)"},
    {"code": "cbp", "name": "Controlling high blood pressure"},
]

POLICIES = [
    {
        "code": "CA-DHCS", "version": 1, "jurisdiction": "CA",
        "name": "California Medi-Cal managed care community reinvestment",
        "effective_from_year": 2023, "effective_to_year": None, "basis": "net_income",
        "brackets": [
            (None, None, "revenue_share", D("0.075"), D("0.05")),
            ("revenue_share", D("0.075"), None, None, D("0.075")),
        ],
        "quality_addon_rate": D("0.075"), "mlr_minimum": D("0.85"), "mlr_remittance_required": True,
        "window_start_offset": 3, "window_end_offset": 5, "on_track_min_pace": D("0.8"),
        "source_citation": (
            "DHCS All Plan Letter 25-004 (Community Reinvestment) and the 2024 Medi-Cal managed care "
            "plan contract: 5% of net income up to 7.5% of revenue, 7.5% of net income above it, plus an "
            "additional share of net income when minimum quality performance levels are missed; "
            "obligation for income year N invested in N+3..N+5. MLR below 85% is remitted."
        ),
    },
    {
        "code": "AZ", "version": 1, "jurisdiction": "AZ",
        "name": "Arizona AHCCCS community reinvestment",
        "effective_from_year": 2022, "effective_to_year": None, "basis": "net_income",
        "brackets": [(None, None, None, None, D("0.06"))],
        "window_start_offset": 1, "window_end_offset": 1, "on_track_min_pace": D("0.8"),
        "source_citation": "AHCCCS Complete Care contract: 6% of annual profits to community reinvestment, "
                           "after community input.",
    },
    {
        "code": "NV", "version": 1, "jurisdiction": "NV",
        "name": "Nevada Medicaid managed care community reinvestment",
        "effective_from_year": 2022, "effective_to_year": None, "basis": "pretax_income",
        "brackets": [(None, None, None, None, D("0.03"))],
        "window_start_offset": 1, "window_end_offset": 1, "on_track_min_pace": D("0.8"),
        "source_citation": "Nevada Medicaid managed care contract: 3% of pre-tax profits reinvested in the "
                           "community under a plan submitted to the state.",
    },
    {
        "code": "OR-SHARE", "version": 1, "jurisdiction": "OR",
        "name": "Oregon SHARE initiative (threshold plus rate)",
        "effective_from_year": 2022, "effective_to_year": None, "basis": "net_income",
        # Net income kept for solvency up to 1.5% of revenue; 20% of the part above is spent on
        # social determinants of health and equity (both figures configurable).
        "brackets": [("revenue_share", D("0.015"), None, None, D("0.20"))],
        "earmarks": [
            ("housing", "Statewide housing priority", D("0.10"), ["housing"], False),
            ("chp-aligned", "Aligned with the community health improvement plan", D("1"), [], True),
        ],
        "window_start_offset": 1, "window_end_offset": 1, "on_track_min_pace": D("0.8"),
        "source_citation": "Oregon Health Authority, Supporting Health for All through REinvestment (SHARE) "
                           "initiative (ORS 414.572(1)(b)(C)): after solvency standards are met, a portion of "
                           "net income goes to social determinants of health and equity, aligned with the "
                           "community health improvement plan and including the statewide housing priority.",
    },
    {
        "code": "NC-MLR", "version": 1, "jurisdiction": "NC",
        "name": "North Carolina Medicaid MLR-shortfall community reinvestment",
        "effective_from_year": 2022, "effective_to_year": None, "basis": "mlr_shortfall",
        "brackets": [(None, None, None, None, D("1"))],
        "mlr_minimum": D("0.88"),
        "window_start_offset": 1, "window_end_offset": 2, "on_track_min_pace": D("0.8"),
        "source_citation": "North Carolina Medicaid prepaid health plan contract: a plan below the minimum "
                           "medical loss ratio (88%) may reinvest the rebate in the community instead of "
                           "returning it to the state.",
    },
]

for version, (year, rate) in enumerate([(2023, "0.008"), (2024, "0.02"), (2025, "0.03")], start=1):
    POLICIES.append({
        "code": "CC-QTF", "version": version, "jurisdiction": "CA",
        "name": "Covered California Quality Transformation Fund",
        "effective_from_year": year, "effective_to_year": year, "basis": "premium_at_risk",
        "brackets": [(None, None, None, None, D(rate))], "quality_measures": QTI_MEASURES,
        "window_start_offset": 1, "window_end_offset": 1, "on_track_min_pace": D("1"),
        "source_citation": f"Covered California Quality Transformation Initiative, measurement year {year}: "
                           f"{(D(rate) * 100).normalize():f}% of each product's gross premium at risk, shared equally across "
                           "the core quality measures; each measure below benchmark forfeits its share.",
    })

for version, (year, rate) in enumerate([(2024, "0.01"), (2025, "0.02"), (2026, "0.03"), (2027, "0.04")], start=1):
    POLICIES.append({
        "code": "CALPERS", "version": version, "jurisdiction": "CA",
        "name": "CalPERS HMO quality benchmarks: premium at risk",
        "effective_from_year": year, "effective_to_year": year, "basis": "premium_at_risk",
        "brackets": [(None, None, None, None, D(rate))], "quality_measures": QTI_MEASURES,
        "window_start_offset": 1, "window_end_offset": 1, "on_track_min_pace": D("1"),
        "source_citation": f"CalPERS HMO contract, measurement year {year}: {(D(rate) * 100).normalize():f}% of gross premium "
                           "per product at risk for missed quality benchmarks, shared equally across the "
                           "core measures.",
    })


def seed(apps, schema_editor):
    Policy = apps.get_model("reinvestment", "ReinvestmentPolicy")
    Bracket = apps.get_model("reinvestment", "PolicyBracket")
    Earmark = apps.get_model("reinvestment", "PolicyEarmark")
    for spec in POLICIES:
        if Policy.objects.filter(code=spec["code"], version=spec["version"]).exists():
            continue
        policy = Policy.objects.create(
            code=spec["code"], version=spec["version"], jurisdiction=spec["jurisdiction"], name=spec["name"],
            currency="USD", effective_from_year=spec["effective_from_year"],
            effective_to_year=spec["effective_to_year"], basis=spec["basis"],
            quality_addon_rate=spec.get("quality_addon_rate", D("0")),
            quality_measures=spec.get("quality_measures", []),
            mlr_minimum=spec.get("mlr_minimum"), mlr_remittance_required=spec.get("mlr_remittance_required", False),
            allocation_basis="member_months", window_start_offset=spec["window_start_offset"],
            window_end_offset=spec["window_end_offset"], on_track_min_pace=spec["on_track_min_pace"],
            source_citation=spec["source_citation"],
        )
        for position, (lower_kind, lower, upper_kind, upper, rate) in enumerate(spec["brackets"], start=1):
            Bracket.objects.create(
                policy=policy, position=position, lower_kind=lower_kind or "amount", lower_value=lower,
                upper_kind=upper_kind or "amount", upper_value=upper, rate=rate,
            )
        for code, label, share, domains, cha_chip in spec.get("earmarks", []):
            Earmark.objects.create(
                policy=policy, code=code, label=label, minimum_share=share, domains=domains,
                requires_cha_chip_alignment=cha_chip,
            )


def unseed(apps, schema_editor):
    Policy = apps.get_model("reinvestment", "ReinvestmentPolicy")
    for spec in POLICIES:
        Policy.objects.filter(code=spec["code"], version=spec["version"], obligations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reinvestment", "0003_database_guards")]

    operations = [migrations.RunPython(seed, unseed)]
