"""Ledger benchmark on PostgreSQL: prints figures and query counts (not a timed test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reinvestment .venv/bin/python scripts/bench_ledger.py

Creates (or re-creates) its own database ``<name>_bench`` next to the one in DATABASE_URL,
migrates it, and in one fund:

1. generates 1,000,000 legs (500,000 balanced transactions over 2021-2025) with bulk SQL
   (generate_series), then closes the fiscal months through the service (snapshots);
2. times one account's balance as of a date (target: under 5 ms);
3. times the fund statement of a fiscal year against one grouped SQL aggregate over the
   same legs (target: within 1.3x);
4. records 10,000 contributions through the batch service ``contribution_payments_record_batch``
   in one transaction (target: under 20 s), and --single N more (default 1,000) one by one
   through ``contribution_payment_record``, each committed on its own, with the query counts
   of both paths (they do not depend on the machine's load);
5. runs the integrity check over the whole ledger.

Options: --legs N (default 1000000), --payments N (default 10000), --single N (default 1000),
--keep (reuse the database when it already holds the legs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
sys.path.insert(0, str(ROOT))


def _bench_url(url: str) -> tuple[str, str, str]:
    parts = urlparse(url)
    name = (parts.path.lstrip("/") or "reinvestment") + "_bench"
    admin = urlunparse(parts._replace(path="/postgres"))
    return urlunparse(parts._replace(path=f"/{name}")), admin, name


def _create_database(admin_url: str, name: str, keep: bool) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and keep:
            return False
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def _timed(fn: Callable[..., T], repeat: int) -> tuple[float, T]:
    """Median milliseconds of ``repeat`` runs, and the last result."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def _queries(fn: Callable[..., object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


class _Counter:
    """A query counter for ``connection.execute_wrapper`` (keeps no SQL text)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


GENERATE_SQL = """
-- Three kinds of balanced transaction, by id modulo 10: 0-5 receipts (cash / a source),
-- 6-8 commitments (awards committed / payable), 9 disbursements (payable / cash).
-- Amounts in cents-exact dollars; dates spread evenly over [start, start + days).
INSERT INTO wellness_fund_ledgertransaction (id, fund_id, kind, posted_on, reference, memo, created_at)
SELECT g, %(fund)s,
       CASE WHEN g %% 10 < 6 THEN 'contribution' WHEN g %% 10 < 9 THEN 'award_commit' ELSE 'tranche_disburse' END,
       %(start)s::date + ((g - 1) * %(days)s / %(n)s)::int,
       CASE WHEN g %% 10 < 6 THEN '' ELSE 'bench.award:' || (g / 100) END, '', now()
  FROM generate_series(%(first)s, %(first)s + %(n)s - 1) AS g;

INSERT INTO wellness_fund_ledgerleg (transaction_id, account_id, fund_id, posted_on, side, amount, amount_currency)
SELECT t.id,
       CASE WHEN t.id %% 10 < 6 THEN %(cash)s WHEN t.id %% 10 < 9 THEN %(committed)s ELSE %(payable)s END,
       t.fund_id, t.posted_on, 'D', a.amount, 'USD'
  FROM wellness_fund_ledgertransaction t
  CROSS JOIN LATERAL (SELECT CASE WHEN t.id %% 10 < 6 THEN 100 + (t.id %% 9000) / 100.0
                                  WHEN t.id %% 10 < 9 THEN 50 + (t.id %% 5000) / 100.0
                                  ELSE 40 + (t.id %% 3000) / 100.0 END::numeric(16, 2) AS amount) a
 WHERE t.id BETWEEN %(first)s AND %(first)s + %(n)s - 1
UNION ALL
SELECT t.id,
       CASE WHEN t.id %% 10 < 6 THEN (%(sources)s::bigint[])[1 + t.id %% %(nsources)s]
            WHEN t.id %% 10 < 9 THEN %(payable)s ELSE %(cash)s END,
       t.fund_id, t.posted_on, 'C', a.amount, 'USD'
  FROM wellness_fund_ledgertransaction t
  CROSS JOIN LATERAL (SELECT CASE WHEN t.id %% 10 < 6 THEN 100 + (t.id %% 9000) / 100.0
                                  WHEN t.id %% 10 < 9 THEN 50 + (t.id %% 5000) / 100.0
                                  ELSE 40 + (t.id %% 3000) / 100.0 END::numeric(16, 2) AS amount) a
 WHERE t.id BETWEEN %(first)s AND %(first)s + %(n)s - 1;
"""

DAY_TOTALS_SQL = """
INSERT INTO wellness_fund_accountdaytotal (account_id, day, debits, credits, legs)
SELECT account_id, posted_on,
       SUM(CASE side WHEN 'D' THEN amount ELSE 0 END), SUM(CASE side WHEN 'C' THEN amount ELSE 0 END), COUNT(*)
  FROM wellness_fund_ledgerleg WHERE fund_id = %(fund)s GROUP BY account_id, posted_on
ON CONFLICT (account_id, day) DO UPDATE SET debits = EXCLUDED.debits, credits = EXCLUDED.credits, legs = EXCLUDED.legs
"""

BASELINE_SQL = """
SELECT account_id, side, SUM(amount) FROM wellness_fund_ledgerleg
 WHERE fund_id = %s AND posted_on BETWEEN %s AND %s GROUP BY account_id, side
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reinvestment")
    bench_url, admin_url, name = _bench_url(url)
    created = _create_database(admin_url, name, args.keep)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from organizations.actors import SETUP
    from organizations.models import County, Organization, OrganizationKind
    from reinvestment.models import MemberMonth
    from wellness_fund import services
    from wellness_fund.models import (
        Account,
        AccountRole,
        ContributionPayment,
        FiscalPeriod,
        FundingSource,
        LedgerLeg,
        Restriction,
        WellnessFund,
    )
    from wellness_fund.selectors import account_balance, fund_statement
    from wellness_fund.selectors.integrity import ledger_violations
    from wellness_fund.services.ledger import account_for

    print(f"database: {name} ({'created' if created else 'reused'}), PostgreSQL "
          f"{connection.cursor().connection.info.server_version}")
    call_command("migrate", verbosity=0)

    start_day, days = dt.date(2021, 1, 1), 365 * 5 + 1  # 2021-01-01 .. 2025-12-31
    fund = WellnessFund.objects.filter(code="bench-fund").first()
    if fund is None:
        ach = Organization.objects.create(code="bench-ach", kind=OrganizationKind.ACH, legal_name="Bench ACH")
        plan = Organization.objects.create(code="bench-plan", kind=OrganizationKind.PLAN, legal_name="Bench Plan",
                                           jurisdiction="CA")
        imperial = County.objects.get(state="CA", name="Imperial")
        riverside = County.objects.get(state="CA", name="Riverside")
        fund = services.fund_create(actor=SETUP, code="bench-fund", name="Bench fund", ach=ach,
                                    counties=[imperial, riverside])
        general = Restriction.objects.get(fund=fund, code="general")
        sources = [
            services.funding_source_create(actor=SETUP, fund=fund, code=f"src-{k}", name=f"Source {k}",
                                           kind=kind, contributor=plan if kind == "plan_contribution" else None)
            for k, kind in enumerate(["plan_contribution", "public_health", "philanthropy", "mlr_remittance"])
        ]
        cash = account_for(fund=fund, role=AccountRole.CASH, restriction=general)
        committed = account_for(fund=fund, role=AccountRole.AWARDS_COMMITTED, restriction=general)
        payable = account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=general)
        source_accounts = [account_for(fund=fund, role=AccountRole.CONTRIBUTIONS, restriction=general,
                                       funding_source=s) for s in sources]
        n_tx = args.legs // 2
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            # Bulk load: the per-row ledger triggers are bypassed for this session only
            # (replica role); the integrity check below re-verifies every invariant.
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM wellness_fund_ledgertransaction")
            first = cur.fetchone()[0]
            cur.execute(GENERATE_SQL, {
                "fund": fund.pk, "start": start_day, "days": days, "n": n_tx, "first": first,
                "cash": cash.pk, "committed": committed.pk, "payable": payable.pk,
                "sources": [a.pk for a in source_accounts], "nsources": len(source_accounts),
            })
            cur.execute("SELECT setval(pg_get_serial_sequence('wellness_fund_ledgertransaction', 'id'),"
                        " (SELECT MAX(id) FROM wellness_fund_ledgertransaction))")
            # The day totals the leg trigger keeps (bypassed above), summed from the new legs.
            cur.execute(DAY_TOTALS_SQL, {"fund": fund.pk})
        print(f"generated {LedgerLeg.objects.filter(fund=fund).count():,} legs in "
              f"{n_tx:,} transactions with generate_series: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        month = dt.date(2021, 1, 1)
        while month < dt.date(2025, 12, 1):  # close every month through November 2025
            nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            services.fiscal_period_close(actor=SETUP, fund=fund, start=month, end=nxt - dt.timedelta(days=1))
            month = nxt
        print(f"closed {FiscalPeriod.objects.filter(fund=fund).count()} monthly periods (snapshots) in "
              f"{time.perf_counter() - t0:.1f} s")
        for county in (imperial, riverside):
            MemberMonth.objects.create(plan=plan, county=county, month=dt.date(2025, 12, 1), member_months=12_345)
    with connection.cursor() as cur:  # set the visibility map (index-only scans) and statistics
        cur.execute("VACUUM (ANALYZE) wellness_fund_ledgerleg")
        cur.execute("VACUUM (ANALYZE) wellness_fund_ledgertransaction")
    plan = Organization.objects.get(code="bench-plan")
    cash = Account.objects.get(fund=fund, code="cash:general")
    legs_total = LedgerLeg.objects.filter(fund=fund).count()
    print(f"legs in fund: {legs_total:,}; legs of account cash:general: "
          f"{LedgerLeg.objects.filter(account=cash).count():,}")

    print("\n1) one account's balance as of a date (target < 5 ms)")
    for as_of in (dt.date(2023, 6, 15), dt.date(2025, 12, 20), None):
        ms, value = _timed(lambda as_of=as_of: account_balance(account=cash, as_of=as_of), 50)
        q = _queries(lambda as_of=as_of: account_balance(account=cash, as_of=as_of))
        print(f"   cash:general as of {as_of or 'today'}: {value}  median {ms:.2f} ms, {q} query")
    with connection.cursor() as cur:
        def raw_full() -> object:
            cur.execute("SELECT SUM(CASE side WHEN 'D' THEN amount ELSE -amount END) FROM wellness_fund_ledgerleg"
                        " WHERE account_id = %s AND posted_on <= %s", [cash.pk, dt.date(2025, 12, 20)])
            return cur.fetchone()[0]
        ms, raw_value = _timed(raw_full, 5)
        print(f"   (for comparison, summing all its legs without snapshots: {raw_value} in {ms:.1f} ms)")

    print("\n2) fund statement vs one grouped SQL aggregate over the same legs (target <= 1.3x)")
    for label, s, e in (("fiscal year 2024-25", dt.date(2024, 7, 1), dt.date(2025, 6, 30)),
                        ("calendar 2025 (December open)", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                        ("mid-month span", dt.date(2023, 3, 10), dt.date(2024, 2, 20))):
        with connection.cursor() as cur:
            def baseline(s=s, e=e, cur=cur) -> object:
                cur.execute(BASELINE_SQL, [fund.pk, s, e])
                return cur.fetchall()
            base_ms, _base_rows = _timed(baseline, 10)
        n_legs = LedgerLeg.objects.filter(fund=fund, posted_on__gte=s, posted_on__lte=e).count()
        st_ms, st = _timed(lambda s=s, e=e: fund_statement(fund=fund, start=s, end=e), 10)
        q = _queries(lambda s=s, e=e: fund_statement(fund=fund, start=s, end=e))
        print(f"   {label} ({n_legs:,} legs): baseline aggregate {base_ms:.2f} ms (1 query); "
              f"fund_statement {st_ms:.2f} ms ({q} queries); ratio {st_ms / base_ms:.2f}x")
        print(f"      opening {st['opening_balance']}, inflows {st['inflows_total']}, committed "
              f"{st['awards_committed']}, disbursed {st['disbursed']}, returned {st['returned']}, "
              f"closing {st['closing_balance']}")

    print(f"\n3) recording {args.payments:,} contributions through contribution_payments_record_batch "
          "(target < 20 s)")
    from wellness_fund.services.contributions import PaymentRow

    source = FundingSource.objects.get(fund=fund, code="src-0")
    agreement = fund.agreements.first() or services.agreement_create(
        actor=SETUP, fund=fund, plan=plan, funding_source=source, code="bench-agreement", basis="pmpm_share",
        frequency="monthly", starts_on=dt.date(2025, 12, 1), pmpm_rate=Decimal("1.2500"),
    )
    statement = agreement.statements.first() or services.statement_issue(
        actor=SETUP, agreement=agreement, period_start=dt.date(2025, 12, 1))
    done = ContributionPayment.objects.count()

    def rows(tag: str, n: int) -> list[PaymentRow]:
        return [
            PaymentRow(amount=Decimal(f"{100 + i % 900}.{i % 100:02d}"), received_on=dt.date(2025, 12, 1 + i % 28),
                       bank_reference=f"BENCH-{done}-{tag}-{i}", statement=statement, income_year=2025)
            for i in range(n)
        ]

    for n in (1, 100):
        q = _queries(lambda n=n: services.contribution_payments_record_batch(
            actor=SETUP, agreement=agreement, rows=rows(f"q{n}", n)))
        print(f"   a batch of {n:,} row(s): {q} queries")
    batch = rows("batch", args.payments)
    counter = _Counter()
    t0 = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = services.contribution_payments_record_batch(actor=SETUP, agreement=agreement, rows=batch)
    elapsed = time.perf_counter() - t0
    print(f"   {result.created:,} payments in {elapsed:.1f} s ({elapsed / args.payments * 1000:.2f} ms each), "
          f"one transaction, {counter.count} queries in all; target < 20 s: "
          f"{'met' if elapsed < 20 else 'NOT met'}")
    again = _queries(lambda: services.contribution_payments_record_batch(
        actor=SETUP, agreement=agreement, rows=batch[:100]))
    print(f"   the same 100 bank references again: nothing written, {again} queries")

    print(f"\n   single path: {args.single:,} payments through contribution_payment_record, each committed "
          "on its own")
    q = _queries(lambda: services.contribution_payment_record(
        actor=SETUP, agreement=agreement, amount=Decimal("10.00"), received_on=dt.date(2025, 12, 15),
        bank_reference=f"BENCH-Q-{done}", statement=statement, income_year=2025))
    q_open = _queries(lambda: services.contribution_payment_record(
        actor=SETUP, agreement=agreement, amount=Decimal("10.00"), received_on=dt.date(2025, 12, 15),
        bank_reference=f"BENCH-Q2-{done}", income_year=2025))
    t0 = time.perf_counter()
    for row in rows("single", args.single):
        services.contribution_payment_record(
            actor=SETUP, agreement=agreement, amount=row.amount, received_on=row.received_on,
            bank_reference=row.bank_reference, statement=statement, income_year=2025,
        )
    elapsed = time.perf_counter() - t0
    print(f"   {args.single:,} payments in {elapsed:.1f} s ({elapsed / max(args.single, 1) * 1000:.2f} ms each); "
          f"{q} queries per payment ({q_open} when the statement is left to the rule)")

    from reinvestment.services import obligation_credit_record

    counties = list(fund.counties.all())
    n_credit = min(1000, args.single)
    t0 = time.perf_counter()
    for i in range(n_credit):
        with transaction.atomic():
            obligation_credit_record(
                actor=SETUP, plan=plan, county_amounts={c: Decimal("5.00") for c in counties},
                credited_on=dt.date(2025, 12, 15), source="fund_contribution",
                reference=f"bench.credit:{done}-{i}", income_year=2025)
    credit_ms = (time.perf_counter() - t0) / max(n_credit, 1) * 1000
    q_credit = _queries(lambda: obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={c: Decimal("5.00") for c in counties},
        credited_on=dt.date(2025, 12, 15), source="fund_contribution", reference=f"bench.credit:{done}-q",
        income_year=2025))
    print(f"   of which the obligation credit (reinvestment.obligation_credit_record, {len(counties)} counties) "
          f"alone: {credit_ms:.2f} ms and {q_credit} queries per payment")
    print(f"   cash:general as of today after the payments: {account_balance(account=cash)}")

    print("\n4) integrity check over the whole ledger")
    t0 = time.perf_counter()
    violations = ledger_violations()
    print(f"   {len(violations)} violation(s) in {time.perf_counter() - t0:.1f} s")
    for v in violations[:10]:
        print(f"   {v}")
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
