"""Two administrators paying the same tranche at once: the award row lock lets exactly one through."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants import services
from grants.models import Disbursement
from tests.grants import factories as gf
from tests.helpers import race
from tests.organizations.factories import member
from wellness_fund import commitments


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_of_one_tranche_pay_once():
    w = gf.world(cbos=1, board=3)
    a = gf.award(w)
    tranche = a.tranches.get(number=1)
    services.tranche_release(actor=w.admin, tranche=tranche)
    admins = [w.admin, member("fund_admin", w.ach)]

    def pay(actor, ref):
        services.disbursement_record(actor=actor, tranche=tranche, paid_on=dt.date(2027, 1, 20),
                                     amount="10000.00", payment_reference=ref)
        return "paid"

    outcomes = race(pay, [(admin, f"ACH-{i}") for i, admin in enumerate(admins)])
    assert sorted("refused" if isinstance(o, ValidationError) else o for o in outcomes) == ["paid", "refused"]
    assert Disbursement.objects.filter(award=a).count() == 1
    assert commitments.disbursed_for(reference=a.commitment_reference).amount == Decimal("10000.00")
