"""Two administrators paying the same tranche at once: the award row lock lets exactly one through."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grants import services
from grants.models import Disbursement
from tests.grants import factories as gf
from tests.organizations.factories import member
from wellness_fund import commitments


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_of_one_tranche_pay_once():
    w = gf.world(cbos=1, board=3)
    a = gf.award(w)
    tranche = a.tranches.get(number=1)
    services.tranche_release(actor=w.admin, tranche=tranche)
    admins = [w.admin, member("fund_admin", w.ach)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(actor, ref):
        try:
            barrier.wait(timeout=10)
            services.disbursement_record(actor=actor, tranche=tranche, paid_on=dt.date(2027, 1, 20),
                                         amount="10000.00", payment_reference=ref)
            outcomes.append("paid")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(admin, f"ACH-{i}")) for i, admin in enumerate(admins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["paid", "refused"]
    assert Disbursement.objects.filter(award=a).count() == 1
    assert commitments.disbursed_for(reference=a.commitment_reference).amount == Decimal("10000.00")
