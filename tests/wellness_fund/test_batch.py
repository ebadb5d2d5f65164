"""Recording many contribution payments at once: same effect as single calls, all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment.models import ObligationCredit
from tests.organizations.factories import member
from tests.wellness_fund import factories as f
from wellness_fund import services
from wellness_fund.models import (
    AccountDayTotal,
    ContributionPayment,
    LedgerLeg,
    LedgerTransaction,
)
from wellness_fund.selectors.integrity import ledger_violations
from wellness_fund.services import PaymentBatchError, PaymentRow

pytestmark = pytest.mark.django_db
D = Decimal
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def _state():
    return (ContributionPayment.objects.count(), LedgerTransaction.objects.count(), LedgerLeg.objects.count(),
            ObligationCredit.objects.count(), AuditEvent.objects.count(), AccountDayTotal.objects.count())


def _setup():
    """A two-county fund, an agreement with January ($100.00) and February ($100.00) statements."""
    plan = f.plan()
    fund = f.fund(counties=("Riverside", "San Diego"))
    for month in (JAN, FEB):
        f.member_months(plan, "Riverside", month, 3)
        f.member_months(plan, "San Diego", month, 1)
    agr = f.agreement(fund, plan, pmpm_rate="25.0000")
    jan = services.statement_issue(actor=SETUP, agreement=agr, period_start=JAN)
    feb = services.statement_issue(actor=SETUP, agreement=agr, period_start=FEB)
    return plan, fund, agr, jan, feb


def _rows(feb):
    # Statement left to the rule: 60 + 30 go to January (not yet paid in full), 30 tops it over
    # (still January), then February; one row names February outright.
    return [
        PaymentRow(amount=D("60.00"), received_on=dt.date(2026, 2, 10), bank_reference="W-1", income_year=2025),
        PaymentRow(amount=D("30.00"), received_on=dt.date(2026, 2, 11), bank_reference="W-2", income_year=2025),
        PaymentRow(amount=D("30.01"), received_on=dt.date(2026, 2, 11), bank_reference="W-3", income_year=2025),
        PaymentRow(amount=D("7.77"), received_on=dt.date(2026, 2, 12), bank_reference="W-4", income_year=2024,
                   statement=feb),
        PaymentRow(amount=D("0.01"), received_on=dt.date(2026, 2, 12), bank_reference="W-5", income_year=2025),
    ]


def _written(since_payment, since_tx, since_event):
    """What the recording wrote, with database ids replaced by their order (comparable across runs)."""
    payments = list(ContributionPayment.objects.filter(pk__gt=since_payment).order_by("pk"))
    txs = list(LedgerTransaction.objects.filter(pk__gt=since_tx).order_by("pk"))
    p_index = {p.pk: i for i, p in enumerate(payments)}
    t_index = {t.pk: i for i, t in enumerate(txs)}

    def ref(text):
        kind, _, pk = text.rpartition(":")
        return f"{kind}:#{p_index[int(pk)]}" if kind == "wellness_fund.contributionpayment" else text

    credits = sorted(
        (ref(c.reference), c.county.name, c.amount.amount, c.income_year, c.credited_on, c.payee_id, c.description)
        for c in ObligationCredit.objects.filter(reference__startswith="wellness_fund.contributionpayment:")
        if int(c.reference.rpartition(":")[2]) in p_index
    )
    events = []
    for e in AuditEvent.objects.filter(pk__gt=since_event).order_by("pk"):
        after = dict(e.after)
        for volatile in ("id", "recorded_at", "transaction"):
            after.pop(volatile, None)
        if "reference" in after:
            after["reference"] = ref(after["reference"])
        if after.get("contribution_payment_id") is not None:  # the payment the reference names, by its order
            after["contribution_payment_id"] = f"#{p_index[after['contribution_payment_id']]}"
        obj = e.object_repr
        if e.action == "reinvestment.credit.record":
            obj = ref(ObligationCredit.objects.get(pk=e.object_id).reference)
        elif e.action.startswith("wellness_fund.ledger."):
            obj = obj.replace(f"#{e.object_id} ", f"#tx{t_index[int(e.object_id)]} ")
        events.append((e.action, e.content_type_id, e.organization_id, e.actor_id, obj, sorted(after.items())))
    return {
        "payments": [(p.amount, p.received_on, p.bank_reference, p.statement_id, t_index[p.transaction_id])
                     for p in payments],
        "transactions": [(t.kind, t.posted_on, t.reference, t.memo) for t in txs],
        "legs": [(t_index[leg.transaction_id], leg.account.code, leg.side, leg.amount, leg.posted_on)
                 for leg in LedgerLeg.objects.filter(transaction__in=txs).select_related("account")
                 .order_by("transaction_id", "pk")],
        "credits": credits,
        "events": sorted(events, key=repr),
        "day_totals": sorted(AccountDayTotal.objects.values_list("account__code", "day", "debits", "credits", "legs")),
    }


class _Undo(Exception):
    pass


def test_batch_writes_what_single_calls_write_in_order():
    # given one agreement, and the ids before recording
    plan, fund, agr, jan, feb = _setup()
    finance = member("plan_finance", plan)
    marks = (ContributionPayment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
             LedgerTransaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
             AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)

    # when the rows are recorded one by one (then undone) ...
    with pytest.raises(_Undo), transaction.atomic():
        for row in _rows(feb):
            services.contribution_payment_record(
                actor=finance, agreement=agr, amount=row.amount, received_on=row.received_on,
                bank_reference=row.bank_reference, statement=row.statement, income_year=row.income_year)
        singles = _written(*marks)
        raise _Undo
    marks = (ContributionPayment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
             LedgerTransaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
             AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    # ... and as one batch
    result = services.contribution_payments_record_batch(actor=finance, agreement=agr, rows=_rows(feb))
    batch = _written(*marks)

    # then both wrote the same rows, legs, credits, audit events and day totals
    assert batch == singles
    assert result.created == 5 and result.existing == []
    assert [p.bank_reference for p in result.payments] == ["W-1", "W-2", "W-3", "W-4", "W-5"]
    assert [p.statement_id for p in result.payments] == [jan.pk, jan.pk, jan.pk, feb.pk, feb.pk]
    assert len(batch["legs"]) == 10 and len(batch["credits"]) == 9  # 0.01 splits 0.01 + 0.00: no credit of zero
    assert {a for a, *_ in batch["events"]} == {
        "wellness_fund.ledger.contribution", "wellness_fund.payment.record", "reinvestment.credit.record"}
    assert ledger_violations(fund_id=fund.pk) == []


def test_a_bad_row_writes_nothing_and_every_bad_row_is_named():
    plan, fund, agr, jan, feb = _setup()
    services.fiscal_period_close(actor=SETUP, fund=fund, start=JAN, end=dt.date(2026, 1, 31))
    other = f.agreement(fund, f.plan())
    other_statement = services.statement_issue(actor=SETUP, agreement=other, period_start=JAN)
    rows = [
        PaymentRow(amount=D("10.00"), received_on=dt.date(2026, 2, 10), bank_reference="OK-1", income_year=2025),
        PaymentRow(amount=D("-1.00"), received_on=dt.date(2026, 2, 10), bank_reference="BAD-2", income_year=2025),
        PaymentRow(amount=D("10.00"), received_on=dt.date(2026, 1, 20), bank_reference="BAD-3", income_year=2025),
        PaymentRow(amount=D("10.00"), received_on=dt.date(2026, 2, 10), bank_reference=" ", income_year=2025),
        PaymentRow(amount=10.5, received_on=dt.date(2026, 2, 10), bank_reference="BAD-5", income_year=2025),
        PaymentRow(amount=D("1.00"), received_on=dt.date(2026, 2, 10), bank_reference="BAD-6",
                   statement=other_statement, income_year=2025),
        PaymentRow(amount=D("1.00"), received_on=dt.date(2026, 2, 10), bank_reference="BAD-7", income_year=1800),
    ]
    before = _state()

    # a missing bank reference is caught before anything else
    with pytest.raises(PaymentBatchError) as err:
        services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=rows)
    assert list(err.value.errors) == [3]
    assert _state() == before

    rows[3] = PaymentRow(amount=D("10.00"), received_on=dt.date(2026, 2, 10), bank_reference="OK-4",
                         income_year=2025)
    with pytest.raises(PaymentBatchError) as err:
        services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=rows)
    assert list(err.value.errors) == [1, 2, 4, 5, 6]
    messages = err.value.messages
    assert messages[0].startswith("row 2: amount")
    assert "closed fiscal period" in messages[1] and messages[1].startswith("row 3: received_on")
    assert messages[2].startswith("row 5: amount")
    assert messages[3].startswith("row 6: statement")
    assert messages[4].startswith("row 7: income_year")
    assert _state() == before
    assert not AccountDayTotal.objects.filter(account__fund=fund, day=dt.date(2026, 2, 10)).exists()


def test_repeated_bank_references_are_recorded_once():
    plan, fund, agr, jan, feb = _setup()
    first = services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_rows(feb)[:2])
    before = _state()

    # the same rows again: nothing written, the first payments returned
    again = services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_rows(feb)[:2])
    assert [p.pk for p in again.payments] == [p.pk for p in first.payments]
    assert (again.created, again.existing) == (0, [0, 1])
    assert _state() == before

    # a batch repeating a reference within itself and one already recorded: one new payment
    rows = [_rows(feb)[2], _rows(feb)[0], _rows(feb)[2]]
    mixed = services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=rows)
    assert (mixed.created, mixed.existing) == (1, [1, 2])
    assert mixed.payments[0].pk == mixed.payments[2].pk
    assert mixed.payments[1].pk == first.payments[0].pk
    assert ContributionPayment.objects.filter(agreement=agr).count() == 3
    assert LedgerTransaction.objects.filter(fund=fund, kind="contribution").count() == 3
    # and the single path sees the batch's payment
    single = services.contribution_payment_record(
        actor=SETUP, agreement=agr, amount=D("1.00"), received_on=dt.date(2026, 2, 20), bank_reference="W-3")
    assert single.pk == mixed.payments[0].pk


def test_another_plans_staff_may_not_record_a_batch():
    plan, fund, agr, jan, feb = _setup()
    before = _state()
    with pytest.raises(AccessDenied):
        services.contribution_payments_record_batch(
            actor=member("plan_finance", f.plan()), agreement=agr, rows=_rows(feb))
    with pytest.raises(AccessDenied):
        services.contribution_payments_record_batch(
            actor=member("plan_compliance", plan), agreement=agr, rows=_rows(feb))
    assert _state() == before


def test_a_closed_agreement_takes_no_batch():
    plan, fund, agr, jan, feb = _setup()
    services.agreement_close(actor=SETUP, agreement=agr, ends_on=dt.date(2026, 2, 28))
    before = _state()
    with pytest.raises(ValidationError, match="closed"):
        services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_rows(feb))
    assert _state() == before


def _many(n, tag):
    return [PaymentRow(amount=D(f"{10 + i}.{i % 100:02d}"), received_on=dt.date(2026, 2, 1 + i % 28),
                       bank_reference=f"{tag}-{i}", income_year=2025) for i in range(n)]


def test_batch_query_count_does_not_grow_with_rows(django_assert_num_queries):
    plan, fund, agr, jan, feb = _setup()
    services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_many(1, "warm"))  # accounts opened
    # Queries: savepoint, fund lock, existing references, agreement, closed periods (validation),
    # statements with paid sums, accounts, closed periods (posting), transactions INSERT,
    # payments INSERT, statement lines, then the credits: plan currency, savepoint, plan lock,
    # existing credits, the plan's obligations (what each still needs, for the allocation),
    # credits INSERT, two releases (no obligation here, so no allocation INSERT). Legs and the audit events go in by
    # COPY (four statements whatever the size), which Django's query capture does not see.
    with django_assert_num_queries(19) as small:
        services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_many(3, "small"))
    with django_assert_num_queries(len(small.captured_queries)):
        services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_many(60, "large"))
    assert ContributionPayment.objects.filter(agreement=agr).count() == 64
    assert ObligationCredit.objects.filter(plan=plan).count() == 128


def test_single_payment_takes_fewer_queries_than_before(django_assert_max_num_queries):
    plan, fund, agr, jan, feb = _setup()
    services.contribution_payment_record(actor=SETUP, agreement=agr, amount=D("1.00"),
                                         received_on=dt.date(2026, 2, 2), bank_reference="warm", income_year=2025)
    with django_assert_max_num_queries(20):
        services.contribution_payment_record(actor=SETUP, agreement=agr, amount=D("1.00"),
                                             received_on=dt.date(2026, 2, 2), bank_reference="B", income_year=2025)


@pytest.mark.django_db(transaction=True)
def test_batch_commits_through_the_deferred_ledger_triggers():
    # given a committed batch, the deferred balance triggers ran at COMMIT and accepted it
    plan, fund, agr, jan, feb = _setup()
    result = services.contribution_payments_record_batch(actor=SETUP, agreement=agr, rows=_many(25, "c"))
    assert result.created == 25
    assert ledger_violations(fund_id=fund.pk) == []
    # and legs stay append-only
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE wellness_fund_ledgerleg SET amount = 1 WHERE transaction_id = %s",
                    [result.payments[0].transaction_id])


def test_import_command_records_a_good_file_and_refuses_a_bad_one_whole(tmp_path):
    from django.core.management import CommandError, call_command

    plan, fund, agr, jan, feb = _setup()
    bad = tmp_path / "bad.csv"
    bad.write_text("amount,received_on,bank_reference,statement,income_year\n"
                   "60.00,2026-02-10,C-1,2026-01,2025\n"
                   "12.5x,2026-02-10,C-2,,2025\n"
                   "5.00,10/02/2026,C-3,,2025\n"
                   "5.00,2026-02-10,C-4,2027-01,\n")
    before = _state()
    with pytest.raises(CommandError, match="3 bad row"):
        call_command("import_contributions", str(bad), "--agreement", str(agr.pk))
    assert _state() == before

    good = tmp_path / "good.csv"
    good.write_text("amount,received_on,bank_reference,statement,income_year\n"
                    "60.00,2026-02-10,C-1,2026-01,2025\n"
                    "40.00,2026-02-11,C-2,,2025\n")
    call_command("import_contributions", str(good), "--agreement", str(agr.pk))
    assert sorted(ContributionPayment.objects.filter(agreement=agr).values_list("bank_reference", "statement_id")) == [
        ("C-1", jan.pk), ("C-2", jan.pk)]
    after_first = _state()
    call_command("import_contributions", str(good), "--agreement", str(agr.pk))  # again: nothing new
    assert _state() == after_first
