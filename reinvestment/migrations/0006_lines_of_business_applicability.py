"""Lines of business (reference data); a plan's figures are kept per income year and line of business.

Existing years get their plan's Medicaid line: Medi-Cal for California plans, "Medicaid
(other states)" otherwise. The locked-year guard (0003) now also covers the line of business
and the split of an MLR rebate.
"""

import django.db.models.deletion
import djmoney.models.fields
from django.db import migrations, models


LINES = [
    # code, name, jurisdiction (empty = any state), medicaid, position
    ("medi-cal", "Medi-Cal", "CA", True, 1),
    ("commercial", "Commercial", "", False, 2),
    ("covered-california", "Covered California", "CA", False, 3),
    ("calpers-hmo", "CalPERS HMO", "CA", False, 4),
    ("calpers-ppo", "CalPERS PPO", "CA", False, 5),
    ("medicaid-other", "Medicaid (other states)", "", True, 6),
]

GUARD_SQL = """
CREATE OR REPLACE FUNCTION reinvestment_locked_year_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A locked year may only be marked superseded by an amendment; nothing else may change.
    IF OLD.status = 'superseded'
       OR NEW.status NOT IN ('locked', 'superseded')
       OR ROW(NEW.plan_id, NEW.income_year, NEW.line_of_business_id, NEW.currency, NEW.total_revenue,
              NEW.total_revenue_currency, NEW.net_income, NEW.net_income_currency, NEW.pretax_income,
              NEW.mlr_numerator, NEW.mlr_denominator, NEW.mlr_rebate_reinvested, NEW.mlr_rebate_returned,
              NEW.gross_premium, NEW.quality_standards_met, NEW.quality_measures_missed, NEW.source_document,
              NEW.supersedes_id, NEW.amendment_reason)
          IS DISTINCT FROM
          ROW(OLD.plan_id, OLD.income_year, OLD.line_of_business_id, OLD.currency, OLD.total_revenue,
              OLD.total_revenue_currency, OLD.net_income, OLD.net_income_currency, OLD.pretax_income,
              OLD.mlr_numerator, OLD.mlr_denominator, OLD.mlr_rebate_reinvested, OLD.mlr_rebate_returned,
              OLD.gross_premium, OLD.quality_standards_met, OLD.quality_measures_missed, OLD.source_document,
              OLD.supersedes_id, OLD.amendment_reason)
    THEN
        RAISE EXCEPTION 'financial year % is locked: change it through an amendment', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""

GUARD_REVERSE = """
CREATE OR REPLACE FUNCTION reinvestment_locked_year_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'superseded'
       OR NEW.status NOT IN ('locked', 'superseded')
       OR ROW(NEW.plan_id, NEW.income_year, NEW.currency, NEW.total_revenue, NEW.total_revenue_currency,
              NEW.net_income, NEW.net_income_currency, NEW.pretax_income, NEW.mlr_numerator,
              NEW.mlr_denominator, NEW.gross_premium, NEW.quality_standards_met,
              NEW.quality_measures_missed, NEW.source_document, NEW.supersedes_id, NEW.amendment_reason)
          IS DISTINCT FROM
          ROW(OLD.plan_id, OLD.income_year, OLD.currency, OLD.total_revenue, OLD.total_revenue_currency,
              OLD.net_income, OLD.net_income_currency, OLD.pretax_income, OLD.mlr_numerator,
              OLD.mlr_denominator, OLD.gross_premium, OLD.quality_standards_met,
              OLD.quality_measures_missed, OLD.source_document, OLD.supersedes_id, OLD.amendment_reason)
    THEN
        RAISE EXCEPTION 'financial year % is locked: change it through an amendment', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""

TABLE = "reinvestment_planfinancialyear"
TRIGGER = "reinvestment_locked_year_guard_row"


def seed_lines(apps, schema_editor):
    """The seeded lines of business (idempotent)."""
    Line = apps.get_model("reinvestment", "LineOfBusiness")
    for code, name, jurisdiction, medicaid, position in LINES:
        Line.objects.get_or_create(code=code, defaults={"name": name, "jurisdiction": jurisdiction,
                                                        "medicaid": medicaid, "position": position})


def backfill(apps, schema_editor):
    """Existing years get their plan's Medicaid line."""
    Line = apps.get_model("reinvestment", "LineOfBusiness")
    Year = apps.get_model("reinvestment", "PlanFinancialYear")
    lines = {line.code: line for line in Line.objects.all()}
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # locked and superseded years are guarded; this backfill only fills the new column
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    Year.objects.filter(line_of_business__isnull=True, plan__jurisdiction="CA").update(
        line_of_business=lines["medi-cal"])
    Year.objects.filter(line_of_business__isnull=True).update(line_of_business=lines["medicaid-other"])
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


def guard_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD_SQL, None)


def guard_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD_REVERSE, None)


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0003_affiliation'),
        ('reinvestment', '0005_fulfilment_allocations'),
    ]

    operations = [
        migrations.CreateModel(
            name='LineOfBusiness',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=30, unique=True)),
                ('name', models.CharField(max_length=120, unique=True)),
                ('jurisdiction', models.CharField(blank=True, help_text='State the line exists in (Medi-Cal: CA); empty = any state.', max_length=8)),
                ('medicaid', models.BooleanField(default=False, help_text='A Medicaid managed care line.')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Order in lists.')),
            ],
            options={
                'verbose_name_plural': 'lines of business',
                'ordering': ['position', 'name'],
            },
        ),
        migrations.CreateModel(
            name='PolicyApplicability',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('jurisdiction', models.CharField(help_text='State code of the plans it applies to, e.g. CA.', max_length=8)),
                ('source', models.TextField(help_text='Source document and section saying the policy applies here.')),
                ('unverified', models.BooleanField(default=False, help_text='No source document confirms this term.')),
            ],
            options={
                'verbose_name_plural': 'policy applicability',
                'ordering': ['policy', 'jurisdiction', 'line_of_business__position'],
            },
        ),
        migrations.CreateModel(
            name='PolicyTermSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(choices=[('income_years', 'Income (or measurement) years covered'), ('rates', 'Basis, brackets and rates'), ('quality_addon', 'Quality add-on rate'), ('quality_measures', 'Core quality measures'), ('mlr', 'MLR minimum, remittance and rebate'), ('window', 'Investment window'), ('earmarks', 'Earmarks')], max_length=20)),
                ('source', models.TextField(help_text='Source document and section, or why the figure is an assumption.')),
                ('unverified', models.BooleanField(default=False, help_text='No source document confirms this term.')),
            ],
            options={
                'ordering': ['policy', 'term'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='planfinancialyear',
            name='financial_year_one_live_per_plan_year',
        ),
        migrations.AddField(
            model_name='planfinancialyear',
            name='mlr_rebate_reinvested',
            field=djmoney.models.fields.MoneyField(blank=True, decimal_places=2, help_text='Of an MLR rebate the plan may keep to reinvest: the part reinvested in the community.', max_digits=16, null=True),
        ),
        migrations.AddField(
            model_name='planfinancialyear',
            name='mlr_rebate_reinvested_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('USD', 'US Dollar')], default='USD', editable=False, max_length=3, null=True),
        ),
        migrations.AddField(
            model_name='planfinancialyear',
            name='mlr_rebate_returned',
            field=djmoney.models.fields.MoneyField(blank=True, decimal_places=2, help_text='Of an MLR rebate the plan may keep to reinvest: the part returned to the state.', max_digits=16, null=True),
        ),
        migrations.AddField(
            model_name='planfinancialyear',
            name='mlr_rebate_returned_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('USD', 'US Dollar')], default='USD', editable=False, max_length=3, null=True),
        ),
        migrations.AddField(
            model_name='reinvestmentpolicy',
            name='rebate_reinvestment_optional',
            field=models.BooleanField(default=False, help_text="MLR-shortfall basis: the plan may reinvest some or all of the rebate it would otherwise return; the obligation is the part it reinvests (entered with the year's figures)."),
        ),
        migrations.AddField(
            model_name='planfinancialyear',
            name='line_of_business',
            field=models.ForeignKey(help_text='The line of business these figures are for (a plan keeps one year per line).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reinvestment.lineofbusiness'),
        ),
        migrations.RunPython(seed_lines, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='planfinancialyear',
            name='line_of_business',
            field=models.ForeignKey(help_text='The line of business these figures are for (a plan keeps one year per line).', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reinvestment.lineofbusiness'),
        ),
        migrations.RunPython(guard_forward, guard_backward),
        migrations.AddConstraint(
            model_name='planfinancialyear',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'superseded'), _negated=True), fields=('plan', 'income_year', 'line_of_business'), name='financial_year_one_live_per_plan_year_line'),
        ),
        migrations.AddConstraint(
            model_name='planfinancialyear',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('mlr_rebate_reinvested__isnull', True), ('mlr_rebate_returned__isnull', True)), models.Q(('mlr_rebate_reinvested__gte', 0), ('mlr_rebate_returned__gte', 0)), _connector='OR'), name='financial_year_mlr_rebate_split'),
        ),
        migrations.AddField(
            model_name='policyapplicability',
            name='line_of_business',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reinvestment.lineofbusiness'),
        ),
        migrations.AddField(
            model_name='policyapplicability',
            name='policy',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='applicability', to='reinvestment.reinvestmentpolicy'),
        ),
        migrations.AddField(
            model_name='policytermsource',
            name='policy',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='term_sources', to='reinvestment.reinvestmentpolicy'),
        ),
        migrations.AddConstraint(
            model_name='policyapplicability',
            constraint=models.UniqueConstraint(fields=('policy', 'jurisdiction', 'line_of_business'), name='policy_applicability_unique'),
        ),
        migrations.AddConstraint(
            model_name='policyapplicability',
            constraint=models.CheckConstraint(condition=models.Q(('jurisdiction', ''), _negated=True), name='policy_applicability_has_jurisdiction'),
        ),
        migrations.AddConstraint(
            model_name='policyapplicability',
            constraint=models.CheckConstraint(condition=models.Q(('source', ''), _negated=True), name='policy_applicability_has_source'),
        ),
        migrations.AddConstraint(
            model_name='policytermsource',
            constraint=models.UniqueConstraint(fields=('policy', 'term'), name='policy_term_source_unique'),
        ),
        migrations.AddConstraint(
            model_name='policytermsource',
            constraint=models.CheckConstraint(condition=models.Q(('term__in', ['income_years', 'rates', 'quality_addon', 'quality_measures', 'mlr', 'window', 'earmarks'])), name='policy_term_valid'),
        ),
        migrations.AddConstraint(
            model_name='policytermsource',
            constraint=models.CheckConstraint(condition=models.Q(('source', ''), _negated=True), name='policy_term_source_has_source'),
        ),
    ]
