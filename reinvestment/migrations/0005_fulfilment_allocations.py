"""Fulfilment by allocation: each credit is split into allocations, each to exactly one obligation.

* ``AllocationRule`` (versioned data, seeded here): which kinds of credit may count toward
  obligations of each policy basis. Community reinvestment bases take wellness fund
  contributions and direct investments; premium-at-risk obligations (Covered California's
  Quality Transformation Fund, CalPERS) take only payments to the purchaser.
* ``FulfilmentAllocation``: part of a credit counted toward one obligation.
* ``ObligationCredit.reversed_on``: the credit's payment was reversed. The append-only guard
  on credits now lets exactly that change through (once), nothing else.
* PostgreSQL constraint trigger (deferred to COMMIT): the allocations of a credit add up to
  at most its amount, a reversed credit has none, credit / obligation / allocation belong
  to one plan, and a superseded obligation keeps no allocation.
* Existing credits become allocations to the obligation they counted toward: the live
  obligation of their policy code, or (untagged) the oldest live obligation of their
  plan-year that is not premium at risk. Obligations themselves are not changed.
"""

import django.db.models.deletion
import djmoney.models.fields
from django.db import migrations, models

from audit.db import postgres_sql

RULES = [
    {
        "basis": "net_income",
        "qualifying_sources": ["fund_contribution", "direct_investment"],
        "priority": 10,
        "verified": True,
        "source_citation": (
            "DHCS 2024 Medi-Cal managed care contract and APL 25-004, as summarised in the Equity Through "
            "Engagement final report (The Children's Partnership et al.): community reinvestments \"could be "
            "placed in a local wellness fund or invested in community activities as determined by the "
            "community\"."
        ),
    },
    {
        "basis": "pretax_income",
        "qualifying_sources": ["fund_contribution", "direct_investment"],
        "priority": 10,
        "verified": False,
        "source_citation": (
            "Nevada Medicaid managed care contract (3% of pre-tax profits reinvested in the community under a "
            "plan submitted to the state). Unverified: no source document here says whether wellness fund "
            "contributions count; treated like net-income community reinvestment."
        ),
    },
    {
        "basis": "mlr_shortfall",
        "qualifying_sources": ["fund_contribution", "direct_investment"],
        "priority": 10,
        "verified": False,
        "source_citation": (
            "North Carolina Medicaid prepaid health plan contract (the MLR rebate may be reinvested in the "
            "community); the Equity Through Engagement report recommends directing MLR remittances to local "
            "wellness funds. Unverified: which payments qualify is not stated in a source document here."
        ),
    },
    {
        "basis": "premium_at_risk",
        "qualifying_sources": ["purchaser_payment"],
        "priority": 20,
        "verified": True,
        "source_citation": (
            "CQC Health Equity Roadmap (Nov 2024): Covered California QHPs that miss the Quality "
            "Transformation Initiative benchmarks \"make payments to a Quality Transformation Fund\"; CalPERS "
            "puts a share of gross premium at risk for missed benchmarks. The money is paid to the "
            "purchaser, not invested in the community."
        ),
    },
]


def seed_rules(apps, schema_editor):
    Rule = apps.get_model("reinvestment", "AllocationRule")
    for spec in RULES:
        if not Rule.objects.filter(basis=spec["basis"], version=1).exists():
            Rule.objects.create(version=1, **spec)


def unseed_rules(apps, schema_editor):
    apps.get_model("reinvestment", "AllocationRule").objects.filter(version=1).delete()


def credits_to_allocations(apps, schema_editor):
    """Each existing credit becomes an allocation of its whole amount to the obligation it counted
    toward (rule in the module docstring); a credit with no such obligation stays unallocated."""
    Credit = apps.get_model("reinvestment", "ObligationCredit")
    Obligation = apps.get_model("reinvestment", "Obligation")
    Allocation = apps.get_model("reinvestment", "FulfilmentAllocation")
    Rule = apps.get_model("reinvestment", "AllocationRule")
    rules = {r.basis: r for r in Rule.objects.order_by("basis", "version")}  # highest version last wins
    live = ["current", "frozen"]
    obligations: dict[tuple[int, int], list] = {}
    for o in (Obligation.objects.filter(status__in=live).select_related("policy").order_by("id")):
        obligations.setdefault((o.plan_id, o.income_year), []).append(o)
    done = set(Allocation.objects.values_list("credit_id", flat=True))
    rows = []
    for credit in Credit.objects.filter(reversed_on__isnull=True).order_by("id").iterator():
        if credit.pk in done:
            continue
        candidates = obligations.get((credit.plan_id, credit.income_year), [])
        if credit.policy_code:
            target = next((o for o in candidates if o.policy_code == credit.policy_code), None)
        else:
            target = next((o for o in candidates if o.policy.basis != "premium_at_risk"), None)
        if target is None:
            continue
        rule = rules.get(target.policy.basis)
        rows.append(Allocation(
            credit_id=credit.pk, obligation_id=target.pk, plan_id=credit.plan_id, county_id=credit.county_id,
            domain=credit.domain, cha_chip_aligned=credit.cha_chip_aligned, credited_on=credit.credited_on,
            amount=credit.amount, amount_currency=credit.amount_currency, rule_id=rule.pk if rule else None,
            reason="Carried over from the credit's income year and policy code when allocations were introduced.",
        ))
    Allocation.objects.bulk_create(rows, batch_size=1000)


CREDIT_GUARD_SQL = """
CREATE OR REPLACE FUNCTION reinvestment_obligationcredit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one change a credit accepts: being marked reversed, once, with nothing else changed.
    IF TG_OP = 'UPDATE' AND OLD.reversed_on IS NULL AND NEW.reversed_on IS NOT NULL
       AND (to_jsonb(NEW) - 'reversed_on') = (to_jsonb(OLD) - 'reversed_on') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'reinvestment_obligationcredit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE FUNCTION reinvestment_credit_reversed_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM reinvestment_fulfilmentallocation a
                JOIN reinvestment_obligationcredit c ON c.id = a.credit_id
               WHERE a.credit_id = NEW.id AND c.reversed_on IS NOT NULL) THEN
        RAISE EXCEPTION 'credit % is reversed but still allocated', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER reinvestment_credit_reversed_check_row
    AFTER UPDATE ON reinvestment_obligationcredit
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reinvestment_credit_reversed_check();
"""
CREDIT_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS reinvestment_credit_reversed_check_row ON reinvestment_obligationcredit;
DROP FUNCTION IF EXISTS reinvestment_credit_reversed_check();
CREATE OR REPLACE FUNCTION reinvestment_obligationcredit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reinvestment_obligationcredit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

ALLOCATION_SQL = """
CREATE OR REPLACE FUNCTION reinvestment_allocation_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a RECORD;
    src RECORD;
    ob RECORD;
    allocated numeric;
BEGIN
    SELECT id, credit_id, obligation_id, plan_id INTO a FROM reinvestment_fulfilmentallocation WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;  -- removed later in the same transaction
    END IF;
    SELECT id, plan_id, amount, reversed_on INTO src FROM reinvestment_obligationcredit WHERE id = a.credit_id;
    SELECT id, plan_id, status INTO ob FROM reinvestment_obligation WHERE id = a.obligation_id;
    IF a.plan_id <> src.plan_id OR a.plan_id <> ob.plan_id THEN
        RAISE EXCEPTION 'allocation % joins a credit and an obligation of different plans', a.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF src.reversed_on IS NOT NULL THEN
        RAISE EXCEPTION 'allocation % is of credit %, which is reversed', a.id, src.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF ob.status = 'superseded' THEN
        RAISE EXCEPTION 'allocation % is to obligation %, which is superseded', a.id, ob.id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT COALESCE(SUM(amount), 0) INTO allocated FROM reinvestment_fulfilmentallocation WHERE credit_id = src.id;
    IF allocated > src.amount THEN
        RAISE EXCEPTION 'credit % is allocated % but its amount is %', src.id, allocated, src.amount
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER reinvestment_allocation_check_row
    AFTER INSERT OR UPDATE ON reinvestment_fulfilmentallocation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reinvestment_allocation_check();
CREATE OR REPLACE FUNCTION reinvestment_obligation_superseded_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM reinvestment_fulfilmentallocation a
                JOIN reinvestment_obligation o ON o.id = a.obligation_id
               WHERE a.obligation_id = NEW.id AND o.status = 'superseded') THEN
        RAISE EXCEPTION 'obligation % is superseded but still has allocations', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER reinvestment_obligation_superseded_check_row
    AFTER UPDATE ON reinvestment_obligation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.status = 'superseded')
    EXECUTE FUNCTION reinvestment_obligation_superseded_check();
"""
ALLOCATION_REVERSE = """
DROP TRIGGER IF EXISTS reinvestment_obligation_superseded_check_row ON reinvestment_obligation;
DROP FUNCTION IF EXISTS reinvestment_obligation_superseded_check();
DROP TRIGGER IF EXISTS reinvestment_allocation_check_row ON reinvestment_fulfilmentallocation;
DROP FUNCTION IF EXISTS reinvestment_allocation_check();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_seed_counties"),
        ("reinvestment", "0004_seed_policies"),
    ]

    operations = [
        migrations.CreateModel(
            name="AllocationRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("basis", models.CharField(choices=[("net_income", "Net income"), ("pretax_income", "Pre-tax profit"), ("mlr_shortfall", "MLR shortfall"), ("premium_at_risk", "Gross premium at risk for missed quality benchmarks")], max_length=20)),
                ("version", models.PositiveSmallIntegerField(default=1)),
                ("qualifying_sources", models.JSONField(default=list, help_text="Kinds of credit (CreditSource values) that count toward obligations of this basis.")),
                ("priority", models.PositiveSmallIntegerField(default=10, help_text="Within an income year, lower goes first.")),
                ("source_citation", models.TextField(help_text="Where the rule comes from.")),
                ("verified", models.BooleanField(default=False, help_text="A source document confirms the rule.")),
                ("notes", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["basis", "version"]},
        ),
        migrations.AddConstraint(
            model_name="allocationrule",
            constraint=models.UniqueConstraint(fields=("basis", "version"), name="allocation_rule_unique_version"),
        ),
        migrations.AddConstraint(
            model_name="allocationrule",
            constraint=models.CheckConstraint(condition=models.Q(("basis__in", ["net_income", "pretax_income", "mlr_shortfall", "premium_at_risk"])), name="allocation_rule_basis_valid"),
        ),
        migrations.RemoveConstraint(model_name="obligationcredit", name="obligation_credit_source_valid"),
        migrations.AddField(
            model_name="obligationcredit",
            name="reversed_on",
            field=models.DateField(blank=True, help_text="The payment was reversed on this day.", null=True),
        ),
        migrations.AlterField(
            model_name="obligationcredit",
            name="source",
            field=models.CharField(choices=[("fund_contribution", "Wellness fund contribution received"), ("direct_investment", "Direct investment by the plan"), ("purchaser_payment", "Premium-at-risk payment to the purchaser")], max_length=20),
        ),
        migrations.AddConstraint(
            model_name="obligationcredit",
            constraint=models.CheckConstraint(condition=models.Q(("source__in", ["fund_contribution", "direct_investment", "purchaser_payment"])), name="obligation_credit_source_valid"),
        ),
        migrations.CreateModel(
            name="FulfilmentAllocation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("domain", models.CharField(blank=True, choices=[("economic_stability", "Economic stability"), ("housing", "Neighborhood and built environment: housing"), ("transportation", "Neighborhood and built environment: transportation"), ("neighborhood", "Neighborhood and built environment"), ("education", "Education"), ("food", "Food"), ("social_community", "Social and community context"), ("health_care", "Health care access and quality")], max_length=24)),
                ("cha_chip_aligned", models.BooleanField(default=False)),
                ("credited_on", models.DateField(help_text="The credit's date (fulfilment as of a day counts up to it).")),
                ("amount_currency", djmoney.models.fields.CurrencyField(choices=[("USD", "US Dollar")], default="USD", editable=False, max_length=3)),
                ("amount", djmoney.models.fields.MoneyField(decimal_places=2, max_digits=16)),
                ("reason", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("county", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organizations.county")),
                ("credit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="allocations", to="reinvestment.obligationcredit")),
                ("obligation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="fulfilments", to="reinvestment.obligation")),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organizations.organization")),
                ("rule", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="reinvestment.allocationrule")),
            ],
            options={"ordering": ["obligation", "credited_on", "id"]},
        ),
        migrations.AddIndex(
            model_name="fulfilmentallocation",
            index=models.Index(fields=["plan", "obligation"], name="fulfilment_plan_obligation_idx"),
        ),
        migrations.AddConstraint(
            model_name="fulfilmentallocation",
            constraint=models.UniqueConstraint(fields=("credit", "obligation"), name="fulfilment_allocation_unique"),
        ),
        migrations.AddConstraint(
            model_name="fulfilmentallocation",
            constraint=models.CheckConstraint(condition=models.Q(("amount__gt", 0)), name="fulfilment_allocation_positive"),
        ),
        migrations.RunPython(seed_rules, unseed_rules),
        postgres_sql(CREDIT_GUARD_SQL, CREDIT_GUARD_REVERSE),
        postgres_sql(ALLOCATION_SQL, ALLOCATION_REVERSE),
        migrations.RunPython(credits_to_allocations, migrations.RunPython.noop),
    ]
