"""Reference data: every California county with its FIPS code (organizations/data/counties.csv)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "counties.csv"


def seed(apps, schema_editor):
    County = apps.get_model("organizations", "County")
    with DATA.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            County.objects.update_or_create(fips=row["fips"], defaults={"state": row["state"], "name": row["name"]})


def unseed(apps, schema_editor):
    County = apps.get_model("organizations", "County")
    with DATA.open(newline="", encoding="utf-8") as fh:
        County.objects.filter(fips__in=[row["fips"] for row in csv.DictReader(fh)]).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
