"""Reference data: the first outcome measure reported stratified by the equity dimensions."""

from django.db import migrations

MEASURES = [
    ("people-served", "People served by funded programs",
     "People a fund's grantees served in the period, by category of each equity dimension.",
     "California Quality Collaborative, Health Equity Roadmap: stratify performance by race, ethnicity, language, "
     "sexual orientation and gender identity. The small-cell threshold (fewer than 11 shown as suppressed) follows "
     "the CMS cell-size suppression policy, which no stored source confirms."),
]


def seed(apps, schema_editor):
    Measure = apps.get_model("community", "OutcomeMeasure")
    for code, name, description, source in MEASURES:
        Measure.objects.update_or_create(code=code, defaults={
            "name": name, "description": description, "source_citation": source, "suppress_below": 11,
            "unverified": True})


class Migration(migrations.Migration):
    dependencies = [("community", "0003_stratified_outcomes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
