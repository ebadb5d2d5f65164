"""Who receives an obligation's MLR remittance: a state agency or the ACH holding the wellness fund."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reinvestment", "0007_policy_applicability_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="mlr_remittance_recipient",
            field=models.ForeignKey(
                blank=True,
                help_text="Who receives the MLR remittance: the state agency (a regulator organization), or the "
                          "ACH whose wellness fund (mlr_remittance_fund_code) receives it.",
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="organizations.organization",
            ),
        ),
    ]
