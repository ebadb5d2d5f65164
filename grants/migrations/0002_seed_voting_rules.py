"""Seed the common quorum and passing rules (versioned rows; bodies choose one of each)."""

import datetime

from django.db import migrations

RULES = [
    # code, kind, basis, numerator, denominator, strictly_more, description
    ("majority-seated-not-recused", "quorum", "seated_not_recused", 1, 2, True,
     "Quorum: a majority of the seated voting members, recused members not counted for the item"),
    ("majority-seated", "quorum", "seated", 1, 2, True,
     "Quorum: a majority of the seated voting members"),
    ("majority-votes-cast", "passing", "votes_cast", 1, 2, True,
     "Passes with a majority of the votes cast (abstentions not counted)"),
    ("two-thirds-votes-cast", "passing", "votes_cast", 2, 3, False,
     "Passes with at least two thirds of the votes cast (abstentions not counted)"),
    ("majority-present", "passing", "present_not_recused", 1, 2, True,
     "Passes with a majority of the voting members present and not recused"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    VotingRule = apps.get_model("grants", "VotingRule")
    for code, kind, basis, num, den, strict, description in RULES:
        VotingRule.objects.get_or_create(
            code=code, version=1,
            defaults={"kind": kind, "basis": basis, "numerator": num, "denominator": den,
                      "strictly_more": strict, "description": description,
                      "effective_from": datetime.date(2024, 1, 1)},
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    VotingRule = apps.get_model("grants", "VotingRule")
    VotingRule.objects.filter(code__in=[r[0] for r in RULES], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
