"""Where each seeded policy applies and where each of its terms comes from; CalPERS and NC versions.

* Every seeded version gets ``PolicyApplicability`` rows (jurisdiction + line of business)
  and ``PolicyTermSource`` rows citing the source documents; terms the sources do not state
  are flagged ``unverified``.
* CalPERS: new versions (one per year 2024..2027, same rates) over the five measures of its
  Quality Alignment Measure Set; the earlier versions reused the four Covered California
  measures and stay as they were (a frozen obligation may use them).
* NC-MLR: a new version on which the plan may reinvest some or all of its MLR rebate and
  return the rest (the obligation is the part reinvested); version 1 stays as it was.
"""

from django.db import migrations
from django.db.models import Max

ETE = ("Equity Through Engagement final report (The Children's Partnership, California Children's Trust, "
       "Georgetown Center on Poverty and Inequality)")
ETE_MEDI_CAL = (f"{ETE}, Medi-Cal accountability section: plans direct a portion (up to 7.5%) of net income to "
                "community reinvestment, an additional percentage when minimum quality standards are not met; "
                "an MLR below 85% of capitation is remitted to DHCS; DHCS 2024 reprocurement contracts")
ETE_APPENDIX_D = f"{ETE}, Appendix D: State Approaches to MCP Community Investments"
CQC = ("California Quality Collaborative, Building an Equitable Health Care System: A Health Equity Roadmap "
       "(November 2024), section 'California Public Purchasers and Regulators Are Integrating Equity into "
       "Quality Improvement'")
NO_SOURCE = "Not stated in the source documents held (assumption to confirm against the contract)."

CALPERS_MEASURES = [
    {"code": "cis", "name": "Childhood immunizations"},
    {"code": "col", "name": "Colorectal cancer screening"},
    {"code": "cbp", "name": "Controlling high blood pressure"},
    {"code": "hbd-poor", "name": "Comprehensive diabetes care: poor control (HbA1c > 9%)"},
    {"code": "ppc", "name": "Maternity care (timeliness of prenatal care and postpartum care, combined)"},
]
CALPERS_RATES = {2024: "1%", 2025: "2%", 2026: "3%", 2027: "4%"}

# code -> [(jurisdiction, line of business, source, unverified)]
APPLIES = {
    "CA-DHCS": [("CA", "medi-cal", f"{ETE_MEDI_CAL}.", False)],
    "AZ": [("AZ", "medicaid-other", f"{ETE_APPENDIX_D}, Arizona: Medicaid managed care plans (MCPs).", False)],
    "NV": [("NV", "medicaid-other", f"{ETE_APPENDIX_D}, Nevada: Medicaid managed care plans (MCP RFP).", False)],
    "OR-SHARE": [("OR", "medicaid-other",
                  f"{ETE_APPENDIX_D}, Oregon: Coordinated Care Organizations (SHARE Initiative).", False)],
    "NC-MLR": [("NC", "medicaid-other", f"{ETE_APPENDIX_D}, North Carolina: Medicaid health plans.", False)],
    "CC-QTF": [("CA", "covered-california",
                f"{CQC}: Covered California contracted qualified health plans (Quality Transformation "
                "Initiative).", False)],
}


def calpers_applies(year):
    rows = [("CA", "calpers-hmo", f"{CQC}: CalPERS Quality Alignment Measure Set, contracts with HMOs from 2024.",
             False)]
    if year >= 2025:
        rows.append(("CA", "calpers-ppo",
                     f"{CQC}: the measure set is effective for CalPERS PPO contracts from 2025, but the premium at "
                     "risk is stated for HMOs only.", True))
    return rows


# code -> {term: (source, unverified)}; {year} is filled in with the version's first year.
TERMS = {
    "CA-DHCS": {
        "income_years": (f"{ETE_MEDI_CAL}. The first income year covered (2023) is not stated.", True),
        "rates": ("The tiers (5% of net income up to 7.5% of revenue, 7.5% above) are not in the source "
                  f"documents held; {ETE_MEDI_CAL} says 'up to 7.5%' (and elsewhere 7%).", True),
        "quality_addon": (f"{ETE_MEDI_CAL} states 'an additional percentage'; the 7.5% rate is not stated.", True),
        "mlr": (f"{ETE_MEDI_CAL}: MLR below 85% remitted.", False),
        "window": ("Investment window N+3..N+5 (DHCS FAQ) is not in the source documents held.", True),
    },
    "AZ": {
        "income_years": (NO_SOURCE, True),
        "rates": (f"{ETE_APPENDIX_D}, Arizona: six percent of annual profits, after community input.", False),
        "window": (NO_SOURCE, True),
    },
    "NV": {
        "income_years": (NO_SOURCE, True),
        "rates": (f"{ETE_APPENDIX_D}, Nevada: 3% of pretax profits, plan submitted to the state.", False),
        "window": (NO_SOURCE, True),
    },
    "OR-SHARE": {
        "income_years": (NO_SOURCE, True),
        "rates": (f"{ETE_APPENDIX_D}, Oregon: 'a portion of previous net income'; the solvency threshold "
                  "(1.5% of revenue) and the 20% rate are not stated.", True),
        "earmarks": (f"{ETE_APPENDIX_D}, Oregon: statewide housing priority, alignment with Community Health "
                     "Improvement Plans, a portion to SDOH/Equity partners; the 10% housing share is not stated.",
                     True),
        "window": (NO_SOURCE, True),
    },
    "NC-MLR": {
        "income_years": (NO_SOURCE, True),
        "rates": (f"{ETE_APPENDIX_D}, North Carolina: some or all of the MLR rebate may be reinvested instead of "
                  "returned to the State.", False),
        "mlr": ("The 88% minimum medical loss ratio is not stated in the source documents held; "
                f"{ETE_APPENDIX_D} says only 'the enforceable MLR standard'.", True),
        "window": (NO_SOURCE, True),
    },
    "CC-QTF": {
        "income_years": (f"{CQC}: measurement years 2023-2025.", False),
        "rates": (f"{CQC}: 0.8% of total gross premium per product at risk for MY2023, 2% for MY2024, 3% for "
                  "MY2025.", False),
        "quality_measures": (f"{CQC}: the four QTI core measures (CIS Combo 10, colorectal cancer screening, "
                             "HbA1c control < 8.0%, controlling high blood pressure).", False),
        "window": (NO_SOURCE, True),
    },
    "CALPERS": {
        "income_years": (f"{CQC}: plan years 2024 (1%) to 2027 (4%).", False),
        "rates": (f"{CQC}: 1% of total gross premium per product at risk in 2024, 2% in 2025, rising 1% a year "
                  "to 4% in 2027.", False),
        "quality_measures": (f"{CQC}: the five measures of the CalPERS Quality Alignment Measure Set.", False),
        "window": (NO_SOURCE, True),
    },
}
OLD_CALPERS_MEASURES = ("These versions reuse the four Covered California QTI measures; the CalPERS Quality "
                        f"Alignment Measure Set has five ({CQC}). Superseded by the later versions.", True)


def _copy(Policy, Bracket, Earmark, old, **changes):
    fields = {f.attname: getattr(old, f.attname) for f in Policy._meta.concrete_fields
              if f.attname not in ("id", "created_at")}
    new = Policy.objects.create(**(fields | changes))
    for b in old.brackets.all():
        Bracket.objects.create(policy=new, position=b.position, lower_kind=b.lower_kind, lower_value=b.lower_value,
                               upper_kind=b.upper_kind, upper_value=b.upper_value, rate=b.rate)
    for e in old.earmarks.all():
        Earmark.objects.create(policy=new, code=e.code, label=e.label, minimum_share=e.minimum_share,
                               domains=e.domains, requires_cha_chip_alignment=e.requires_cha_chip_alignment)
    return new


def _describe(Applicability, Term, lines, policy, applies, terms):
    for jurisdiction, line, source, unverified in applies:
        Applicability.objects.get_or_create(
            policy=policy, jurisdiction=jurisdiction, line_of_business=lines[line],
            defaults={"source": source, "unverified": unverified})
    for term, (source, unverified) in terms.items():
        Term.objects.get_or_create(policy=policy, term=term, defaults={"source": source, "unverified": unverified})


def forward(apps, schema_editor):
    Policy = apps.get_model("reinvestment", "ReinvestmentPolicy")
    Bracket = apps.get_model("reinvestment", "PolicyBracket")
    Earmark = apps.get_model("reinvestment", "PolicyEarmark")
    Applicability = apps.get_model("reinvestment", "PolicyApplicability")
    Term = apps.get_model("reinvestment", "PolicyTermSource")
    lines = {line.code: line for line in apps.get_model("reinvestment", "LineOfBusiness").objects.all()}

    # New CalPERS versions over the five measures (one per year, as before).
    calpers = list(Policy.objects.filter(code="CALPERS").order_by("version"))
    if calpers and not any(len(p.quality_measures) == len(CALPERS_MEASURES) for p in calpers):
        for old in [p for p in calpers if p.effective_from_year in CALPERS_RATES]:
            year = old.effective_from_year
            lob = "HMO" if year < 2025 else "HMO and PPO"
            _copy(Policy, Bracket, Earmark, old,
                  version=Policy.objects.filter(code="CALPERS").aggregate(v=Max("version"))["v"] + 1,
                  name=f"CalPERS Quality Alignment Measure Set ({lob}): premium at risk",
                  quality_measures=CALPERS_MEASURES,
                  source_citation=(f"{CQC}, plan year {year}: {CALPERS_RATES[year]} of total gross premium per "
                                   f"product at risk for missed quality benchmarks, shared equally across the "
                                   "five measures of the CalPERS Quality Alignment Measure Set."))
    # A new NC-MLR version: the rebate may be reinvested in part or in full.
    nc = Policy.objects.filter(code="NC-MLR").order_by("-version").first()
    if nc is not None and not nc.rebate_reinvestment_optional:
        _copy(Policy, Bracket, Earmark, nc, version=nc.version + 1, rebate_reinvestment_optional=True,
              source_citation=(f"{ETE_APPENDIX_D}, North Carolina: a plan that fails the enforceable medical "
                               "loss ratio standard may take some or all of the rebate it would return to the "
                               "State and invest it in activities addressing social drivers of health; the "
                               "obligation is the part reinvested. The 88% minimum is not stated in the sources."))

    for policy in Policy.objects.all():
        if policy.code == "CALPERS":
            terms = dict(TERMS["CALPERS"])
            if len(policy.quality_measures) != len(CALPERS_MEASURES):
                terms["quality_measures"] = OLD_CALPERS_MEASURES
            _describe(Applicability, Term, lines, policy, calpers_applies(policy.effective_from_year), terms)
        elif policy.code in APPLIES:
            _describe(Applicability, Term, lines, policy, APPLIES[policy.code], TERMS[policy.code])


def backward(apps, schema_editor):
    Policy = apps.get_model("reinvestment", "ReinvestmentPolicy")
    Policy.objects.filter(code="CALPERS", quality_measures=CALPERS_MEASURES, obligations__isnull=True).delete()
    Policy.objects.filter(code="NC-MLR", rebate_reinvestment_optional=True, obligations__isnull=True).delete()
    apps.get_model("reinvestment", "PolicyApplicability").objects.all().delete()
    apps.get_model("reinvestment", "PolicyTermSource").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reinvestment", "0006_lines_of_business_applicability")]

    operations = [migrations.RunPython(forward, backward)]
