"""Grant domains use the one social-driver domain list of the system (``reinvestment``).

Opportunities and applications stored three codes of an older grants-only list; they
become the codes of the same domains in the kept list.
"""

from django.db import migrations

OLD_TO_NEW = {
    "neighborhood_built_environment": "neighborhood",
    "social_community_context": "social_community",
    "health_care_access_quality": "health_care",
}
NEW_TO_OLD = {new: old for old, new in OLD_TO_NEW.items()}


def _recode(apps, mapping):
    for model in ("FundingOpportunity", "Application"):
        Model = apps.get_model("grants", model)
        for pk, domains in Model.objects.exclude(domains=[]).values_list("pk", "domains").iterator():
            recoded = [mapping.get(d, d) for d in domains or []]
            if recoded != domains:
                Model.objects.filter(pk=pk).update(domains=recoded)


def forward(apps, schema_editor):
    _recode(apps, OLD_TO_NEW)


def backward(apps, schema_editor):
    _recode(apps, NEW_TO_OLD)


class Migration(migrations.Migration):
    dependencies = [("grants", "0005_seed_reminders_and_award_budgets")]

    operations = [migrations.RunPython(forward, backward)]
