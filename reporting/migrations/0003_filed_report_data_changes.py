"""Filed reports flagged when their data change; an amended report can be attested and filed anew."""

import django.db.models.deletion
from django.db import migrations, models


def attested_data(apps, schema_editor):
    """Each existing attestation attested its draft's inputs."""
    ReportAttestation = apps.get_model("reporting", "ReportAttestation")
    for attestation in ReportAttestation.objects.select_related("draft"):
        attestation.inputs_hash = attestation.draft.inputs_hash
        attestation.save(update_fields=["inputs_hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0002_guards_and_disclosure_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportattestation",
            name="inputs_hash",
            field=models.CharField(default="", help_text="SHA-256 of the data attested (the draft's inputs snapshot).",
                                   max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(attested_data, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="reportattestation", name="report_attestation_once"),
        migrations.AddConstraint(
            model_name="reportattestation",
            constraint=models.UniqueConstraint(fields=("kind", "params_key", "inputs_hash"),
                                               name="report_attestation_once_per_data"),
        ),
        migrations.AddConstraint(
            model_name="reportattestation",
            constraint=models.CheckConstraint(condition=models.Q(("inputs_hash__regex", "^[0-9a-f]{64}$")),
                                              name="report_attestation_inputs_hash_hex"),
        ),
        migrations.AddField(
            model_name="reportfiling",
            name="amends",
            field=models.OneToOneField(blank=True, help_text="The earlier filing of the same report this one replaces.",
                                       null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="amended_by", to="reporting.reportfiling"),
        ),
        migrations.CreateModel(
            name="ReportDataChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("detected_at", models.DateTimeField()),
                ("inputs_hash", models.CharField(help_text="SHA-256 of the data as read when detected.", max_length=64)),
                ("filing", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="data_changes",
                                             to="reporting.reportfiling")),
            ],
            options={
                "ordering": ["filing", "detected_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("filing", "inputs_hash"), name="report_data_change_once"),
                    models.CheckConstraint(condition=models.Q(("inputs_hash__regex", "^[0-9a-f]{64}$")),
                                           name="report_data_change_inputs_hash_hex"),
                ],
            },
        ),
    ]
