"""Member months are kept per line of business, so a line's county allocation counts only its members.

Existing rows get their plan's Medicaid line (Medi-Cal for California plans, "Medicaid (other
states)" otherwise), as financial years did in 0006.
"""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    Line = apps.get_model("reinvestment", "LineOfBusiness")
    MemberMonth = apps.get_model("reinvestment", "MemberMonth")
    lines = {line.code: line for line in Line.objects.all()}
    if not lines:
        return
    MemberMonth.objects.filter(line_of_business__isnull=True, plan__jurisdiction="CA").update(
        line_of_business=lines["medi-cal"])
    MemberMonth.objects.filter(line_of_business__isnull=True).update(line_of_business=lines["medicaid-other"])


class Migration(migrations.Migration):

    dependencies = [
        ("reinvestment", "0008_mlr_remittance_recipient"),
    ]

    operations = [
        migrations.AddField(
            model_name="membermonth",
            name="line_of_business",
            field=models.ForeignKey(
                null=True,
                help_text="The line of business the members are enrolled in (default: the plan's Medicaid line).",
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="reinvestment.lineofbusiness"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membermonth",
            name="line_of_business",
            field=models.ForeignKey(
                help_text="The line of business the members are enrolled in (default: the plan's Medicaid line).",
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="reinvestment.lineofbusiness"),
        ),
        migrations.RemoveConstraint(model_name="membermonth", name="member_month_unique"),
        migrations.AddConstraint(
            model_name="membermonth",
            constraint=models.UniqueConstraint(fields=("plan", "line_of_business", "county", "month"),
                                               name="member_month_unique_per_line"),
        ),
    ]
