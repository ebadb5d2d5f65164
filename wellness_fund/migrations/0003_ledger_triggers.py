"""PostgreSQL guards for the ledger.

* A deferred constraint trigger on legs refuses, at COMMIT, a transaction whose legs do
  not balance per currency, a leg whose fund/date differ from its transaction's or whose
  account belongs to another fund.
* A (not deferred) trigger refuses a leg dated inside a closed fiscal period.
* A deferred constraint trigger on transactions refuses one with fewer than two legs and
  a reversal of a reversal.
* Posted transactions and legs are append-only (UPDATE and DELETE refused). Row-level
  triggers only, so TRUNCATE (test suite) is left to privileges.
"""

from django.db import migrations

from audit.db import append_only, postgres_sql

LEG_SQL = """
CREATE OR REPLACE FUNCTION wellness_fund_leg_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx RECORD;
    bad RECORD;
BEGIN
    SELECT id, fund_id, posted_on INTO tx
      FROM wellness_fund_ledgertransaction WHERE id = NEW.transaction_id;
    IF NEW.fund_id <> tx.fund_id OR NEW.posted_on <> tx.posted_on THEN
        RAISE EXCEPTION 'ledger leg % does not match its transaction % (fund or date)', NEW.id, tx.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF (SELECT fund_id FROM wellness_fund_account WHERE id = NEW.account_id) <> NEW.fund_id THEN
        RAISE EXCEPTION 'ledger leg % posts to an account of another fund', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT amount_currency AS currency,
           SUM(CASE side WHEN 'D' THEN amount ELSE -amount END) AS difference INTO bad
      FROM wellness_fund_ledgerleg WHERE transaction_id = NEW.transaction_id
     GROUP BY amount_currency
    HAVING SUM(CASE side WHEN 'D' THEN amount ELSE -amount END) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance in %: debits - credits = %',
            NEW.transaction_id, bad.currency, bad.difference
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER wellness_fund_leg_check_row
    AFTER INSERT ON wellness_fund_ledgerleg
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION wellness_fund_leg_check();
"""
OPEN_PERIOD_SQL = """
CREATE OR REPLACE FUNCTION wellness_fund_leg_open_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM wellness_fund_fiscalperiod p
                WHERE p.fund_id = NEW.fund_id AND NEW.posted_on BETWEEN p.start AND p."end") THEN
        RAISE EXCEPTION 'ledger leg is dated % inside a closed fiscal period', NEW.posted_on
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER wellness_fund_leg_open_period_row
    BEFORE INSERT ON wellness_fund_ledgerleg
    FOR EACH ROW EXECUTE FUNCTION wellness_fund_leg_open_period();
"""
OPEN_PERIOD_REVERSE = """
DROP TRIGGER IF EXISTS wellness_fund_leg_open_period_row ON wellness_fund_ledgerleg;
DROP FUNCTION IF EXISTS wellness_fund_leg_open_period();
"""

LEG_REVERSE = """
DROP TRIGGER IF EXISTS wellness_fund_leg_check_row ON wellness_fund_ledgerleg;
DROP FUNCTION IF EXISTS wellness_fund_leg_check();
"""

TX_SQL = """
CREATE OR REPLACE FUNCTION wellness_fund_tx_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT COUNT(*) FROM wellness_fund_ledgerleg WHERE transaction_id = NEW.id) < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has fewer than two legs', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.reverses_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM wellness_fund_ledgertransaction o
         WHERE o.id = NEW.reverses_id AND (o.reverses_id IS NOT NULL OR o.fund_id <> NEW.fund_id)) THEN
        RAISE EXCEPTION 'ledger transaction % reverses a reversal or another fund''s transaction', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER wellness_fund_tx_check_row
    AFTER INSERT ON wellness_fund_ledgertransaction
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION wellness_fund_tx_check();
"""
TX_REVERSE = """
DROP TRIGGER IF EXISTS wellness_fund_tx_check_row ON wellness_fund_ledgertransaction;
DROP FUNCTION IF EXISTS wellness_fund_tx_check();
"""


class Migration(migrations.Migration):
    dependencies = [("wellness_fund", "0002_ledger_and_contributions")]
    operations = [
        postgres_sql(LEG_SQL, LEG_REVERSE),
        postgres_sql(OPEN_PERIOD_SQL, OPEN_PERIOD_REVERSE),
        postgres_sql(TX_SQL, TX_REVERSE),
        append_only("wellness_fund_ledgertransaction"),
        append_only("wellness_fund_ledgerleg"),
    ]
