"""Seed the default reminder policy and give existing awards their budget lines.

Default reminders (a fund may add its own versions): 14 and 3 days before a report is
due, 1, 7 and 30 days after it is overdue; the administrator's digest on Mondays.
Awards made before budget lines existed get the application's lines, scaled to the
award amount by the largest-remainder method (cents add up exactly).
"""

from decimal import Decimal

from django.db import migrations

from money import split_largest_remainder

DEFAULT = {"version": 1, "days_before_due": [14, 3], "days_after_due": [1, 7, 30], "digest_weekday": 0}


def seed(apps, schema_editor):  # noqa: ARG001
    ReminderPolicy = apps.get_model("grants", "ReminderPolicy")
    if not ReminderPolicy.objects.filter(fund__isnull=True, version=1).exists():
        ReminderPolicy.objects.create(fund=None, **{k: v for k, v in DEFAULT.items()})


def backfill(apps, schema_editor):  # noqa: ARG001
    Award = apps.get_model("grants", "Award")
    BudgetLine = apps.get_model("grants", "BudgetLine")
    AwardBudgetLine = apps.get_model("grants", "AwardBudgetLine")
    for award in Award.objects.all():
        if AwardBudgetLine.objects.filter(award=award).exists():
            continue
        lines = list(BudgetLine.objects.filter(application_id=award.application_id).order_by("number"))
        if not lines:
            AwardBudgetLine.objects.create(award=award, number=1, category="other", description="Award",
                                           amount=award.amount, amount_currency=award.amount_currency)
            continue
        parts = split_largest_remainder(Decimal(award.amount), {ln.number: ln.amount for ln in lines})
        for ln in lines:
            AwardBudgetLine.objects.create(award=award, number=ln.number, category=ln.category,
                                           description=ln.description, amount=parts[ln.number],
                                           amount_currency=award.amount_currency)


class Migration(migrations.Migration):
    dependencies = [("grants", "0004_post_award")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
