"""A contribution batch whose PostgreSQL connection is dropped half-way writes nothing, and a
retry with the same bank references records each payment once.

Real processes: the import command runs in its own process against the test database; the
test holds the plan's row lock from another connection, so the batch stops *after* it has
written its ledger transactions and payments and is waiting for the lock to record the
obligation credits. The test then kills that backend with ``pg_terminate_backend`` (what a
lost connection looks like to the server) and checks that the transaction rolled back whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from audit.models import AuditEvent
from reinvestment.models import ObligationCredit
from tests.wellness_fund.test_batch import _setup
from wellness_fund.models import ContributionPayment, LedgerLeg, LedgerTransaction
from wellness_fund.selectors.integrity import ledger_violations

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200


def _url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _state() -> tuple[int, ...]:
    return (ContributionPayment.objects.count(), LedgerTransaction.objects.count(), LedgerLeg.objects.count(),
            ObligationCredit.objects.count(), AuditEvent.objects.count())


def _import(csv: Path, agreement_id: int) -> subprocess.Popen[str]:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": _url()}
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "import_contributions", str(csv), "--agreement", str(agreement_id)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_batch_cut_off_mid_way_writes_nothing_and_a_retry_writes_each_payment_once(tmp_path):
    plan, fund, agr, jan, feb = _setup()
    csv = tmp_path / "payments.csv"
    csv.write_text("amount,received_on,bank_reference,statement,income_year\n" + "".join(
        f"{10 + i}.{i % 100:02d},2026-02-{1 + i % 28:02d},LOST-{i},,2025\n" for i in range(ROWS)))
    before = _state()

    with psycopg.connect(_url()) as holder:
        # Hold the plan's row: the batch writes its ledger and payments, then waits here.
        holder.execute("SELECT id FROM organizations_organization WHERE id = %s FOR UPDATE", [plan.pk])
        proc = _import(csv, agr.pk)
        with psycopg.connect(_url(), autocommit=True) as watcher:
            pid = None
            deadline = time.monotonic() + 120
            while pid is None and time.monotonic() < deadline:
                row = watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND pid <> %s AND wait_event_type = 'Lock' "
                    "AND backend_xid IS NOT NULL", [holder.info.backend_pid]).fetchone()
                pid = row[0] if row else None
                if pid is None:
                    assert proc.poll() is None, proc.communicate()
                    time.sleep(0.05)
            assert pid is not None, "the batch never reached the plan's lock"
            # The batch has written inside its transaction (it holds a transaction id) ...
            written = watcher.execute(
                "SELECT count(*) FROM pg_locks WHERE pid = %s AND mode = 'RowExclusiveLock'", [pid]).fetchone()
            assert written is not None and written[0] > 0
            # ... when its connection is cut.
            assert watcher.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        holder.rollback()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode != 0, out
    assert "terminat" in err.lower() or "connection" in err.lower(), err
    assert _state() == before  # nothing half-written: no payment, ledger row, credit or audit event

    retry = _import(csv, agr.pk)
    out, err = retry.communicate(timeout=300)
    assert retry.returncode == 0, err
    assert f"{ROWS} payment(s) recorded, 0 already recorded." in out
    again = _import(csv, agr.pk)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"0 payment(s) recorded, {ROWS} already recorded." in out
    refs = list(ContributionPayment.objects.filter(agreement=agr).values_list("bank_reference", flat=True))
    assert len(refs) == ROWS and len(set(refs)) == ROWS
    assert ledger_violations(fund_id=fund.pk) == []
