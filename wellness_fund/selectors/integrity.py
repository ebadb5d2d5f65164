"""Ledger integrity: every invariant the ledger promises, re-checked from the stored rows.

Each check is one SQL query over the whole ledger (or one fund) and yields violations:

* ``unbalanced``: a transaction whose debits and credits differ in some currency;
* ``too_few_legs``: a transaction with fewer than two legs (an orphan transaction);
* ``orphan_leg``: a leg whose fund or date differs from its transaction's, or whose account
  belongs to another fund;
* ``reversal``: a reversal of a reversal, or of another fund's transaction;
* ``snapshot``: a stored period balance (activity or closing) that differs from the legs;
* ``day_total``: a stored day total of an account that differs from the legs of that day;
* ``over_committed``: a restriction whose commitments exceed the money received and returned;
* ``award``: a reference with more disbursed than committed, or more returned than disbursed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Violation:
    code: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


def _rows(sql: str, params: Mapping[str, int | None]) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def ledger_violations(*, fund_id: int | None = None) -> list[Violation]:
    """All violations found (empty when the ledger is sound)."""
    out: list[Violation] = []
    params = {"fund": fund_id}
    for tx_id, currency, diff in _rows(
        """SELECT t.id, l.amount_currency, SUM(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END)
              FROM wellness_fund_ledgertransaction t JOIN wellness_fund_ledgerleg l ON l.transaction_id = t.id
             WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR t.fund_id = %(fund)s) GROUP BY t.id, l.amount_currency
            HAVING SUM(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END) <> 0 ORDER BY t.id""",
        params,
    ):
        out.append(Violation("unbalanced", f"transaction {tx_id} does not balance in {currency}: debits - credits = {diff}"))
    for tx_id, legs in _rows(
        """SELECT t.id, COUNT(l.id) FROM wellness_fund_ledgertransaction t
              LEFT JOIN wellness_fund_ledgerleg l ON l.transaction_id = t.id
             WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR t.fund_id = %(fund)s) GROUP BY t.id HAVING COUNT(l.id) < 2 ORDER BY t.id""",
        params,
    ):
        out.append(Violation("too_few_legs", f"transaction {tx_id} has {legs} leg(s)"))
    for leg_id, tx_id in _rows(
        """SELECT l.id, l.transaction_id FROM wellness_fund_ledgerleg l
              LEFT JOIN wellness_fund_ledgertransaction t ON t.id = l.transaction_id
              LEFT JOIN wellness_fund_account a ON a.id = l.account_id
             WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR l.fund_id = %(fund)s) AND (t.id IS NULL OR a.id IS NULL OR t.fund_id <> l.fund_id
                   OR t.posted_on <> l.posted_on OR a.fund_id <> l.fund_id) ORDER BY l.id""",
        params,
    ):
        out.append(Violation("orphan_leg", f"leg {leg_id} does not match transaction {tx_id} (fund, date or account)"))
    for tx_id, orig_id in _rows(
        """SELECT t.id, o.id FROM wellness_fund_ledgertransaction t
              JOIN wellness_fund_ledgertransaction o ON o.id = t.reverses_id
             WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR t.fund_id = %(fund)s) AND (o.reverses_id IS NOT NULL OR o.fund_id <> t.fund_id) ORDER BY t.id""",
        params,
    ):
        out.append(Violation("reversal", f"transaction {tx_id} reverses {orig_id}, a reversal or another fund's"))
    for account, start, end, d, c, closing, rd, rc, rclosing in _rows(
        """WITH act AS (
                SELECT p.id AS period_id, l.account_id,
                       SUM(CASE WHEN l.side = 'D' THEN l.amount ELSE 0 END) AS d,
                       SUM(CASE WHEN l.side = 'C' THEN l.amount ELSE 0 END) AS c
                  FROM wellness_fund_fiscalperiod p
                  JOIN wellness_fund_ledgerleg l ON l.fund_id = p.fund_id AND l.posted_on BETWEEN p.start AND p."end"
                 WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR p.fund_id = %(fund)s) GROUP BY p.id, l.account_id),
            first AS (SELECT fund_id, MIN(start) AS start FROM wellness_fund_fiscalperiod GROUP BY fund_id),
            pre AS (
                SELECT l.account_id, SUM(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END) AS s
                  FROM wellness_fund_ledgerleg l JOIN first f ON f.fund_id = l.fund_id AND l.posted_on < f.start
                 GROUP BY l.account_id),
            cmp AS (
                SELECT a.code, p.start, p."end", b.debits, b.credits, b.closing_balance,
                       COALESCE(act.d, 0) AS rd, COALESCE(act.c, 0) AS rc,
                       COALESCE(pre.s, 0) + SUM(COALESCE(act.d, 0) - COALESCE(act.c, 0))
                           OVER (PARTITION BY b.account_id ORDER BY p.start) AS rclosing
                  FROM wellness_fund_accountperiodbalance b
                  JOIN wellness_fund_fiscalperiod p ON p.id = b.period_id
                  JOIN wellness_fund_account a ON a.id = b.account_id
                  LEFT JOIN act ON act.period_id = b.period_id AND act.account_id = b.account_id
                  LEFT JOIN pre ON pre.account_id = b.account_id
                 WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR p.fund_id = %(fund)s))
            SELECT * FROM cmp WHERE debits <> rd OR credits <> rc OR closing_balance <> rclosing
             ORDER BY code, start""",
        params,
    ):
        out.append(Violation(
            "snapshot",
            f"account {account} period {start}..{end}: stored debits {d} credits {c} closing {closing}, "
            f"legs give debits {rd} credits {rc} closing {rclosing}",
        ))
    # Daily totals are kept by a PostgreSQL trigger only; on the embedded SQLite database
    # balances sum the legs directly and there are no totals to compare.
    day_rows = _rows(
        """WITH legs AS (
                SELECT l.account_id, l.posted_on AS day,
                       SUM(CASE WHEN l.side = 'D' THEN l.amount ELSE 0 END) AS d,
                       SUM(CASE WHEN l.side = 'C' THEN l.amount ELSE 0 END) AS c, COUNT(*) AS n
                  FROM wellness_fund_ledgerleg l
                 WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR l.fund_id = %(fund)s) GROUP BY l.account_id, l.posted_on),
            days AS (
                SELECT d.account_id, d.day, d.debits, d.credits, d.legs
                  FROM wellness_fund_accountdaytotal d JOIN wellness_fund_account a ON a.id = d.account_id
                 WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR a.fund_id = %(fund)s))
            SELECT COALESCE(days.account_id, legs.account_id), COALESCE(days.day, legs.day),
                   days.debits, days.credits, days.legs, legs.d, legs.c, legs.n
              FROM days FULL OUTER JOIN legs ON legs.account_id = days.account_id AND legs.day = days.day
             WHERE days.debits IS DISTINCT FROM legs.d OR days.credits IS DISTINCT FROM legs.c
                   OR days.legs IS DISTINCT FROM legs.n
             ORDER BY 1, 2""",
        params,
    ) if connection.vendor == "postgresql" else []
    for account, day, d, c, n, rd, rc, rn in day_rows:
        out.append(Violation(
            "day_total",
            f"account {account} on {day}: stored debits {d} credits {c} legs {n}, "
            f"legs give debits {rd} credits {rc} legs {rn}",
        ))
    for fund_code, restriction, available in _rows(
        """SELECT f.code, r.code, -SUM(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END)
              FROM wellness_fund_ledgerleg l JOIN wellness_fund_account a ON a.id = l.account_id
              JOIN wellness_fund_restriction r ON r.id = a.restriction_id
              JOIN wellness_fund_wellnessfund f ON f.id = a.fund_id
             WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR a.fund_id = %(fund)s) AND a.role IN ('contributions', 'awards_committed', 'awards_returned')
             GROUP BY f.code, r.code
            HAVING SUM(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END) > 0 ORDER BY f.code, r.code""",
        params,
    ):
        out.append(Violation("over_committed", f"{fund_code}/{restriction}: available to award is {available}"))
    for reference, committed, disbursed, returned in _rows(
        """WITH x AS (
                SELECT t.reference,
                       SUM(CASE WHEN a.role = 'awards_committed' THEN
                           CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END ELSE 0 END) AS committed,
                       SUM(CASE WHEN a.role = 'awards_returned' THEN
                           CASE l.side WHEN 'C' THEN l.amount ELSE -l.amount END ELSE 0 END) AS returned,
                       SUM(CASE WHEN a.role = 'cash' THEN
                           CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END ELSE 0 END) AS cash
                  FROM wellness_fund_ledgerleg l
                  JOIN wellness_fund_ledgertransaction t ON t.id = l.transaction_id
                  JOIN wellness_fund_account a ON a.id = l.account_id
                 WHERE (CAST(%(fund)s AS BIGINT) IS NULL OR t.fund_id = %(fund)s) AND t.kind IN ('award_commit', 'award_deobligate', 'tranche_disburse',
                       'unspent_return', 'reversal') AND t.reference <> ''
                   AND a.role IN ('awards_committed', 'awards_returned', 'cash')
                 GROUP BY t.reference)
            SELECT reference, committed, returned - cash AS disbursed, returned FROM x
             WHERE committed < 0 OR returned - cash > committed OR returned > returned - cash
             ORDER BY reference""",
        params,
    ):
        out.append(Violation(
            "award", f"{reference}: committed {committed}, disbursed {disbursed}, returned {returned}"
        ))
    return out
