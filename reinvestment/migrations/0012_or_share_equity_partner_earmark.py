"""Oregon SHARE: a portion of the funds must go to SDOH/equity partners.

A new version of OR-SHARE (the next number, the same years), a copy of the newest published one
with every bracket, earmark, applicability row and term source, plus an earmark that counts only
payments to SDOH/equity partners (``requires_equity_partner``). The source states no share: the
minimum held here (10%, like the housing share) is an assumption, and the version's "earmarks"
term is flagged unverified with the citation. Obligations already computed keep the version they
were computed with.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import Max

ETE = ("Equity Through Engagement final report (The Children's Partnership, California Children's Trust, "
       "Georgetown Center on Poverty and Inequality)")
ETE_APPENDIX_D = f"{ETE}, Appendix D: State Approaches to MCP Community Investments"
CODE = "equity-partners"
LABEL = "Share to SDOH/equity partners"
MINIMUM_SHARE = Decimal("0.10")  # not stated in the source: an assumption to confirm with OHA guidance
EARMARKS_SOURCE = (
    f"{ETE_APPENDIX_D}, Oregon (SHARE Initiative): spending must fall within SDOH/Equity domains and include "
    "spending toward a statewide housing priority; spending priorities must align with community priorities from "
    "Community Health Improvement Plans; 'A portion of funds must go to SDOH/Equity Partners.' Neither the 10% "
    "housing share nor the 10% share to SDOH/equity partners is stated.")


def forward(apps, schema_editor):
    Policy = apps.get_model("reinvestment", "ReinvestmentPolicy")
    Earmark = apps.get_model("reinvestment", "PolicyEarmark")
    parts = [apps.get_model("reinvestment", name)
             for name in ("PolicyBracket", "PolicyEarmark", "PolicyApplicability", "PolicyTermSource")]
    Term = apps.get_model("reinvestment", "PolicyTermSource")
    old = Policy.objects.filter(code="OR-SHARE", is_draft=False).order_by("-version").first()
    if old is None or old.earmarks.filter(requires_equity_partner=True).exists():
        return
    fields = {f.attname: getattr(old, f.attname) for f in Policy._meta.concrete_fields
              if f.attname not in ("id", "created_at")}
    number = Policy.objects.filter(code="OR-SHARE").aggregate(v=Max("version"))["v"] + 1
    new = Policy.objects.create(**(fields | {
        "version": number,
        "source_citation": f"{old.source_citation} {ETE_APPENDIX_D}, Oregon: a portion of funds must go to "
                           "SDOH/Equity Partners.",
        "notes": (f"Version {old.version} with a share to SDOH/equity partners.\n{old.notes}").strip()}))
    for model in parts:
        rows = list(model.objects.filter(policy=old))
        for row in rows:
            row.pk = None
            row.policy = new
        model.objects.bulk_create(rows)
    Earmark.objects.create(policy=new, code=CODE, label=LABEL, minimum_share=MINIMUM_SHARE, domains=[],
                           requires_cha_chip_alignment=False, requires_equity_partner=True)
    Term.objects.update_or_create(policy=new, term="earmarks",
                                  defaults={"source": EARMARKS_SOURCE, "unverified": True})


def backward(apps, schema_editor):
    Policy = apps.get_model("reinvestment", "ReinvestmentPolicy")
    for policy in Policy.objects.filter(code="OR-SHARE", earmarks__requires_equity_partner=True,
                                        obligations__isnull=True).distinct():
        for name in ("PolicyBracket", "PolicyEarmark", "PolicyApplicability", "PolicyTermSource"):
            apps.get_model("reinvestment", name).objects.filter(policy=policy).delete()
        policy.delete()


class Migration(migrations.Migration):
    dependencies = [("reinvestment", "0011_policy_earmark_equity_partner")]

    operations = [migrations.RunPython(forward, backward)]
