"""PostgreSQL guards: locked financial years change only by being superseded; credits are append-only."""

from django.db import migrations

from audit.db import append_only, postgres_sql

LOCKED_YEAR_SQL = """
CREATE OR REPLACE FUNCTION reinvestment_locked_year_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A locked year may only be marked superseded by an amendment; nothing else may change.
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
CREATE TRIGGER reinvestment_locked_year_guard_row
    BEFORE UPDATE ON reinvestment_planfinancialyear
    FOR EACH ROW WHEN (OLD.status IN ('locked', 'superseded'))
    EXECUTE FUNCTION reinvestment_locked_year_guard();
CREATE OR REPLACE FUNCTION reinvestment_locked_year_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'financial year % is locked and cannot be deleted', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER reinvestment_locked_year_no_delete_row
    BEFORE DELETE ON reinvestment_planfinancialyear
    FOR EACH ROW WHEN (OLD.status IN ('locked', 'superseded'))
    EXECUTE FUNCTION reinvestment_locked_year_no_delete();
"""

LOCKED_YEAR_REVERSE = """
DROP TRIGGER IF EXISTS reinvestment_locked_year_guard_row ON reinvestment_planfinancialyear;
DROP TRIGGER IF EXISTS reinvestment_locked_year_no_delete_row ON reinvestment_planfinancialyear;
DROP FUNCTION IF EXISTS reinvestment_locked_year_guard();
DROP FUNCTION IF EXISTS reinvestment_locked_year_no_delete();
"""


class Migration(migrations.Migration):
    dependencies = [("reinvestment", "0002_financials_policies_obligations")]

    operations = [
        postgres_sql(LOCKED_YEAR_SQL, LOCKED_YEAR_REVERSE),
        append_only("reinvestment_obligationcredit"),
    ]
