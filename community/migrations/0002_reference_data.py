"""Reference data: kinds of advisory body, constituencies, the first equity taxonomy and the
California reinvestment-plan timing, each with its source (or flagged unverified)."""

from django.db import migrations

ETE = ("The Children's Partnership, California Children's Trust and Georgetown Center on Poverty and "
       "Inequality, Equity Through Engagement final report")
CQC = "California Quality Collaborative, Health Equity Roadmap (issue brief)"
SPD15 = ("OMB, Revisions to Statistical Policy Directive No. 15: Standards for Maintaining, Collecting, and "
         "Presenting Federal Data on Race and Ethnicity, 89 Fed. Reg. 22182-22196, March 29, 2024 "
         f"(cited in the {CQC}, note 9)")

BODY_TYPES = [
    ("cac", "Community advisory committee (CAC)",
     "A plan's consumer or community advisory committee: members representative of the enrollee population and "
     "those with health disparities; meetings regularly scheduled with agendas and notes publicly posted.",
     f"{ETE}: 'New Medi-Cal managed care plan requirements on CACs' (2024 reprocurement contract); "
     "Oregon SHARE Initiative: CCOs designate a role for their Community Advisory Council(s)."),
    ("ach-steering", "ACH steering council",
     "The cross-sector governance body of an Accountable Community for Health.",
     f"{ETE}: ACHs 'center power, governance, and decision making around authentic community collaboration'."),
    ("resident-panel", "Resident panel",
     "Residents and families with lived experience advising a plan or an ACH.",
     f"{ETE}: parents 'believe they should be able to participate in determining the CAC objectives and scope'."),
]

CONSTITUENCIES = [
    ("medi-cal-member", "Medi-Cal member"),
    ("parent-caregiver", "Parent or caregiver of a member"),
    ("cbo", "Community-based organization"),
    ("county-public-health", "County public health"),
    ("health-care-provider", "Health care provider"),
    ("tribal", "Tribal government or organization"),
    ("education", "Education (schools, early childhood)"),
    ("housing-social-services", "Housing or social services"),
    ("other", "Other community representative"),
]

#: (code, name, multiple, source, verified, categories [(code, name, parent)])
DIMENSIONS = [
    ("race", "Race and ethnicity (minimum categories)", True,
     f"{SPD15}. One combined question; several categories may be chosen. The category list is taken from the "
     "cited notice, which the stored sources cite but do not reproduce.", False,
     [("american_indian_alaska_native", "American Indian or Alaska Native", ""),
      ("asian", "Asian", ""),
      ("black_african_american", "Black or African American", ""),
      ("hispanic_latino", "Hispanic or Latino", ""),
      ("middle_eastern_north_african", "Middle Eastern or North African", ""),
      ("native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander", ""),
      ("white", "White", "")]),
    ("ethnicity", "Detailed race and ethnicity", True,
     f"{SPD15}: the detailed categories collected by default under each minimum category (an 'another' "
     "category stands for the write-in). Not reproduced in the stored sources.", False,
     [(code, name, parent) for parent, items in [
         ("american_indian_alaska_native", [("another_american_indian_alaska_native",
                                              "Another American Indian or Alaska Native (enrolled or principal tribe)")]),
         ("asian", [("chinese", "Chinese"), ("asian_indian", "Asian Indian"), ("filipino", "Filipino"),
                    ("vietnamese", "Vietnamese"), ("korean", "Korean"), ("japanese", "Japanese"),
                    ("another_asian", "Another Asian group")]),
         ("black_african_american", [("african_american", "African American"), ("jamaican", "Jamaican"),
                                     ("haitian", "Haitian"), ("nigerian", "Nigerian"), ("ethiopian", "Ethiopian"),
                                     ("somali", "Somali"), ("another_black", "Another Black or African American group")]),
         ("hispanic_latino", [("mexican", "Mexican"), ("puerto_rican", "Puerto Rican"), ("salvadoran", "Salvadoran"),
                              ("cuban", "Cuban"), ("dominican", "Dominican"), ("guatemalan", "Guatemalan"),
                              ("another_hispanic_latino", "Another Hispanic or Latino group")]),
         ("middle_eastern_north_african", [("lebanese", "Lebanese"), ("iranian", "Iranian"), ("egyptian", "Egyptian"),
                                           ("syrian", "Syrian"), ("iraqi", "Iraqi"), ("israeli", "Israeli"),
                                           ("another_mena", "Another Middle Eastern or North African group")]),
         ("native_hawaiian_pacific_islander", [("native_hawaiian", "Native Hawaiian"), ("samoan", "Samoan"),
                                               ("chamorro", "Chamorro"), ("tongan", "Tongan"), ("fijian", "Fijian"),
                                               ("marshallese", "Marshallese"),
                                               ("another_pacific_islander", "Another Pacific Islander group")]),
         ("white", [("english", "English"), ("german", "German"), ("irish", "Irish"), ("italian", "Italian"),
                    ("polish", "Polish"), ("scottish", "Scottish"), ("another_white", "Another White group")]),
     ] for code, name in items]),
    ("language", "Preferred language", False,
     f"{CQC}: 'preferred language' among the factors of health equity; REaL/REaLD data collection. The list of "
     "languages is an assumption (California Medi-Cal threshold languages not confirmed by a stored source).", False,
     [("english", "English", ""), ("spanish", "Spanish", ""), ("mixteco", "Mixteco", ""),
      ("tagalog", "Tagalog", ""), ("vietnamese", "Vietnamese", ""), ("chinese", "Chinese", ""),
      ("korean", "Korean", ""), ("punjabi", "Punjabi", ""), ("arabic", "Arabic", ""),
      ("armenian", "Armenian", ""), ("farsi", "Farsi", ""), ("russian", "Russian", ""), ("hmong", "Hmong", ""),
      ("american_sign_language", "American Sign Language", ""), ("another_language", "Another language", "")]),
    ("disability", "Disability", True,
     f"{CQC}: disability among the factors of health equity (REaLD). Categories follow the six American "
     "Community Survey disability questions; not confirmed by a stored source.", False,
     [("hearing", "Hearing difficulty", ""), ("vision", "Vision difficulty", ""),
      ("cognitive", "Cognitive difficulty", ""), ("ambulatory", "Ambulatory difficulty", ""),
      ("self_care", "Self-care difficulty", ""), ("independent_living", "Independent living difficulty", ""),
      ("no_disability", "No disability", "")]),
    ("sexual_orientation", "Sexual orientation", False,
     f"{CQC}: sexual orientation (SOGI) in harmonized demographic data collection. Categories are an assumption "
     "(not confirmed by a stored source).", False,
     [("straight_heterosexual", "Straight or heterosexual", ""), ("lesbian_gay", "Lesbian or gay", ""),
      ("bisexual", "Bisexual", ""), ("another_orientation", "Another term", "")]),
    ("gender_identity", "Gender identity", True,
     f"{CQC}: gender identity (SOGI) in harmonized demographic data collection. Categories are an assumption "
     "(not confirmed by a stored source).", False,
     [("woman", "Woman", ""), ("man", "Man", ""), ("transgender", "Transgender", ""),
      ("nonbinary", "Nonbinary", ""), ("another_identity", "Another term", "")]),
    ("sex", "Sex", False,
     f"{CQC}: CMS stratifies quality data 'by sex, race and ethnicity'. Categories are an assumption.", False,
     [("female", "Female", ""), ("male", "Male", "")]),
    ("age_band", "Age band", False,
     f"{CQC}: age among the factors of health equity. The bands are an assumption (those of grantee reports).",
     False,
     [("0-5", "0–5", ""), ("6-17", "6–17", ""), ("18-24", "18–24", ""), ("25-44", "25–44", ""),
      ("45-64", "45–64", ""), ("65+", "65 and over", "")]),
]

TIMING_CA = {
    "jurisdiction": "CA", "effective_from_year": 2023, "due_year_offset": 2, "due_quarter": 3, "unverified": True,
    "source_citation": "Reinvestment plan for income year N due in the third quarter of N+2: not found in the "
                       f"stored sources ({ETE}; {CQC}); to be confirmed against DHCS guidance.",
}


def seed(apps, schema_editor):
    BodyType = apps.get_model("community", "AdvisoryBodyType")
    Constituency = apps.get_model("community", "Constituency")
    Taxonomy = apps.get_model("community", "EquityTaxonomy")
    Dimension = apps.get_model("community", "EquityDimension")
    Category = apps.get_model("community", "EquityCategory")
    Timing = apps.get_model("community", "ReinvestmentPlanTiming")
    for code, name, description, source in BODY_TYPES:
        BodyType.objects.update_or_create(code=code, defaults={
            "name": name, "description": description, "source_citation": source})
    for code, name in CONSTITUENCIES:
        Constituency.objects.update_or_create(code=code, defaults={"name": name})
    taxonomy, _ = Taxonomy.objects.get_or_create(version=1, defaults={
        "name": "Equity dimensions (REaLD and SOGI)", "effective_from": "2024-03-29",
        "source_citation": f"{SPD15}; {CQC} (REaLD, SOGI).",
        "notes": "'Not reported' (nothing collected) and 'declined' (the person chose not to answer) are kept apart.",
    })
    for position, (code, name, multiple, source, verified, categories) in enumerate(DIMENSIONS, start=1):
        dimension, _ = Dimension.objects.update_or_create(taxonomy=taxonomy, code=code, defaults={
            "name": name, "multiple": multiple, "position": position, "source_citation": source,
            "verified": verified})
        rows = [*categories, ("not_reported", "Not reported", ""), ("declined", "Declined to answer", "")]
        for i, (cat_code, cat_name, parent) in enumerate(rows, start=1):
            kind = cat_code if cat_code in ("not_reported", "declined") else "reported"
            Category.objects.update_or_create(dimension=dimension, code=cat_code, defaults={
                "name": cat_name, "kind": kind, "parent_code": parent, "position": i})
    Timing.objects.update_or_create(
        jurisdiction=TIMING_CA["jurisdiction"], effective_from_year=TIMING_CA["effective_from_year"],
        defaults={k: v for k, v in TIMING_CA.items() if k not in ("jurisdiction", "effective_from_year")})


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
