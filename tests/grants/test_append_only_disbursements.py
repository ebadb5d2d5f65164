"""A recorded disbursement cannot be rewritten or removed at the database, from any client."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from grants.models import Disbursement, TrancheStatus
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db(transaction=True)


def _refused(sql: str, params: list) -> None:
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_disbursement_refuses_update_and_delete_while_its_tranche_still_moves():
    w = gf.world(cbos=1, board=3)
    a = gf.award(w)
    paid = gf.pay(w, a, 1)
    assert paid.tranche.status == TrancheStatus.PAID  # the tranche (another table) was updated
    table = "grants_disbursement"
    _refused(f"UPDATE {table} SET amount = 1 WHERE id = %s", [paid.pk])
    _refused(f"UPDATE {table} SET paid_on = '9999-12-31' WHERE id = %s", [paid.pk])
    _refused(f"UPDATE {table} SET payment_reference = 'x' WHERE id = %s", [paid.pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [paid.pk])
    fresh = Disbursement.objects.get(pk=paid.pk)
    assert (fresh.amount.amount, fresh.paid_on, fresh.payment_reference) == (
        paid.amount.amount, dt.date(2027, 1, 20), paid.payment_reference)
    # the next tranche is still paid normally (INSERT)
    gf.accepted_report(w, a, 1)
    second = gf.pay(w, a, 2, on=dt.date(2027, 6, 1))
    assert Disbursement.objects.filter(award=a).count() == 2 and second.amount.amount > Decimal(0)
