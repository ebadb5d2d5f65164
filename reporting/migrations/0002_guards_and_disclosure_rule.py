"""Append-only artifacts, attestations and filings; the first small-cell suppression rule."""

import datetime

from django.db import migrations

from audit.db import append_only


def seed_disclosure_rule(apps, schema_editor):
    DisclosureRule = apps.get_model("reporting", "DisclosureRule")
    DisclosureRule.objects.get_or_create(
        effective_from=datetime.date(2000, 1, 1),
        defaults={
            "min_cell_size": 11,
            "citation": "CMS cell size suppression policy: counts of 1 to 10 people are not published",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        append_only("reporting_reportartifact"),
        append_only("reporting_reportattestation"),
        append_only("reporting_reportfiling"),
        migrations.RunPython(seed_disclosure_rule, migrations.RunPython.noop),
    ]
