"""Wellness funds held by ACHs, their restriction buckets, their double-entry ledger and the
contribution agreements that feed them.

Ledger overview (the rules live in ``wellness_fund.services.ledger`` and the database):

* A fund's ledger has ``Account`` rows, one per (role, restriction[, funding source]).
  Roles: ``cash`` (asset), ``awards_payable`` (liability), ``contributions`` (income, one
  account per funding source), ``awards_committed`` (expense) and ``awards_returned`` (income).
* A ``LedgerTransaction`` has two or more ``LedgerLeg`` rows. Each leg carries a positive
  amount and a side (debit or credit). A transaction balances per currency: the sum of its
  debits equals the sum of its credits. The posting service checks it, and on PostgreSQL a
  deferred constraint trigger refuses an unbalanced transaction at COMMIT, whatever the client.
* Posted transactions and legs are append-only (PostgreSQL trigger refuses UPDATE/DELETE).
  A correction is a new transaction whose ``reverses`` names the one it undoes.
* Available to award in a restriction = contributions received - awards committed
  (net of de-obligations) + unspent money returned, i.e. the credit balance of the
  restriction's income and expense accounts (equivalently cash - awards payable).
* ``FiscalPeriod`` rows are closed months. Nothing may be posted on a date inside a
  closed period. Closing a period stores, per account, its activity and closing balance
  (``AccountPeriodBalance``) so balances and statements read snapshots plus the open tail.
* ``AccountDayTotal`` holds each account's debits and credits per day, kept by a database
  trigger on every leg INSERT; an account's balance as of a date is the last snapshot plus
  the day totals after it (a month of rows at most once periods are closed).
"""

from typing import ClassVar, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from djmoney.models.fields import MoneyField


class WellnessFund(models.Model):
    code = models.SlugField(max_length=50, unique=True, help_text="e.g. demo-fund-1")
    name = models.CharField(max_length=255)
    ach = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="wellness_funds"
    )
    fiscal_agent = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counties = models.ManyToManyField("organizations.County", related_name="wellness_funds")
    fiscal_year_start_month = models.PositiveSmallIntegerField(default=7)  # 1..12
    currency = models.CharField(max_length=3, default="USD")
    is_active = models.BooleanField(default=True)
    governing_body_name = models.CharField(
        max_length=255, blank=True,
        help_text="Display name of the governing board (the board itself is modelled by grants).",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1) & Q(fiscal_year_start_month__lte=12),
                name="fund_fiscal_year_start_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RestrictionKind(models.TextChoices):
    UNRESTRICTED = "unrestricted", _("Unrestricted")
    PURPOSE = "purpose", _("Restricted to a purpose")
    COUNTY = "county", _("Restricted to a county")
    SOURCE = "source", _("Restricted to a funding source")


class Restriction(models.Model):
    """A bucket of a fund's money: what it may be awarded for."""

    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="restrictions")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=RestrictionKind.choices)
    purpose = models.CharField(max_length=255, blank=True)
    county = models.ForeignKey(
        "organizations.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="restriction_unique_code"),
            models.CheckConstraint(
                condition=~Q(kind="county") | Q(county__isnull=False),
                name="restriction_county_needs_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code}/{self.code}"


class FundingSourceKind(models.TextChoices):
    PLAN_CONTRIBUTION = "plan_contribution", _("Plan contributions")
    PUBLIC_HEALTH = "public_health", _("Public health")
    HOSPITAL_COMMUNITY_BENEFIT = "hospital_community_benefit", _("Hospital community benefit")
    PHILANTHROPY = "philanthropy", _("Philanthropy")
    MLR_REMITTANCE = "mlr_remittance", _("MLR remittance")
    OTHER = "other", pgettext_lazy("funding source", "Other")


class FundingSource(models.Model):
    """Where a fund's money comes from; its receipts go to ``restriction``.

    A restricted source feeds a restricted bucket (purpose, county or the source itself);
    an unrestricted one feeds an unrestricted bucket (checked by the service that creates it).
    """

    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="funding_sources")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=FundingSourceKind.choices)
    is_restricted = models.BooleanField(default=False)
    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="+")
    contributor = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="The paying organization, when there is one (e.g. the plan).",
    )

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="funding_source_unique_code"),
            # A source kind outside the list would fall out of every statement grouping.
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in FundingSourceKind]),
                name="funding_source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code}/{self.code}"


# --------------------------------------------------------------------------- ledger


class AccountRole(models.TextChoices):
    CASH = "cash", _("Cash (asset)")
    AWARDS_PAYABLE = "awards_payable", _("Awards payable (liability)")
    CONTRIBUTIONS = "contributions", _("Contributions received (income)")
    AWARDS_COMMITTED = "awards_committed", _("Awards committed (expense)")
    AWARDS_RETURNED = "awards_returned", _("Unspent awards returned (income)")


#: Roles whose balance counts towards "available to award" (credit - debit).
AVAILABLE_ROLES = (AccountRole.CONTRIBUTIONS, AccountRole.AWARDS_COMMITTED, AccountRole.AWARDS_RETURNED)


class Account(models.Model):
    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(max_length=160)  # role:restriction[:source]
    role = models.CharField(max_length=24, choices=AccountRole.choices)
    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="accounts")
    funding_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    currency = models.CharField(max_length=3, default="USD")

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="account_unique_code"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in AccountRole]), name="account_role_valid"
            ),
            # Inflows are reported by source: every income-from-contributions account names one.
            models.CheckConstraint(
                condition=~Q(role="contributions") | Q(funding_source__isnull=False),
                name="account_contributions_need_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code}:{self.code}"


class TransactionKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution received")
    AWARD_COMMIT = "award_commit", _("Award committed")
    AWARD_DEOBLIGATE = "award_deobligate", _("Award de-obligated")
    TRANCHE_DISBURSE = "tranche_disburse", _("Tranche disbursed")
    UNSPENT_RETURN = "unspent_return", _("Unspent money returned")
    REVERSAL = "reversal", _("Reversal")


class LedgerTransaction(models.Model):
    """A balanced set of legs, posted once and never changed (append-only on PostgreSQL)."""

    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=24, choices=TransactionKind.choices)
    posted_on = models.DateField()
    reference = models.CharField(max_length=120, blank=True, db_index=True)
    memo = models.CharField(max_length=255, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["posted_on", "pk"]
        indexes = [models.Index(fields=["fund", "posted_on"], name="ledger_tx_fund_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in TransactionKind]), name="ledger_tx_kind_valid"
            ),
            # A reversal names what it reverses, and only a reversal does.
            models.CheckConstraint(
                condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_tx_reversal_names_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code} #{self.pk} {self.kind} {self.posted_on}"


class LegSide(models.TextChoices):
    DEBIT = "D", _("Debit")
    CREDIT = "C", _("Credit")


class LedgerLeg(models.Model):
    """One side of a transaction: a positive amount debited or credited to an account.

    ``fund`` and ``posted_on`` repeat the transaction's values so balances as of a date are
    read from one covering index; the PostgreSQL trigger checks they match.
    """

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="+")
    posted_on = models.DateField()
    side = models.CharField(max_length=1, choices=LegSide.choices)
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["transaction", "pk"]
        indexes = [
            models.Index(
                fields=["account", "posted_on"], include=["side", "amount"], name="ledger_leg_acct_date"
            ),
            models.Index(fields=["fund", "posted_on"], name="ledger_leg_fund_date"),
        ]
        constraints = [
            # Legs carry positive amounts; the side says debit or credit (no signed amounts).
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_leg_amount_positive"),
            models.CheckConstraint(condition=Q(side__in=["D", "C"]), name="ledger_leg_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.amount} {self.account_id}"


class FiscalPeriod(models.Model):
    """A closed accounting month of a fund: nothing may be posted on its dates any more."""

    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="closed_periods")
    start = models.DateField()
    end = models.DateField()
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fund", "start"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "start"], name="fiscal_period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="fiscal_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code} {self.start}..{self.end}"


class AccountPeriodBalance(models.Model):
    """Snapshot written when a period closes: the account's activity and closing balance.

    ``closing_balance`` is signed, debit-positive (debits - credits up to ``period.end``).
    """

    period = models.ForeignKey(FiscalPeriod, on_delete=models.PROTECT, related_name="balances")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="period_balances")
    debits = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    credits = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    closing_balance = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["period", "account"]
        constraints = [
            models.UniqueConstraint(fields=["period", "account"], name="period_balance_unique"),
            # Activity totals are sums of positive leg amounts.
            models.CheckConstraint(
                condition=Q(debits__gte=0) & Q(credits__gte=0), name="period_balance_activity_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.account_id}: {self.closing_balance}"


class AccountDayTotal(models.Model):
    """An account's activity on one day: the sums of its legs dated that day.

    Written only by the database: a statement-level trigger on ``LedgerLeg`` adds each
    INSERT's legs to their (account, day) rows in the same transaction, and refuses any
    other INSERT, UPDATE or DELETE (migration 0004). A balance as of a date reads the last
    closed period's snapshot plus at most the days after it, instead of every leg since.
    Amounts are in the account's currency.
    """

    # The unique (account, day) index serves lookups by account: no index of its own.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="day_totals", db_index=False)
    day = models.DateField()
    debits = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # sum of debit legs
    credits = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # sum of credit legs
    legs = models.PositiveIntegerField(default=0)  # number of legs summed

    class Meta:
        ordering = ["account", "day"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="account_day_total_unique"),
            # Sums of positive leg amounts.
            models.CheckConstraint(
                condition=Q(debits__gte=0) & Q(credits__gte=0), name="account_day_total_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: +{self.debits} -{self.credits}"


# --------------------------------------------------------------------------- contributions


class AgreementBasis(models.TextChoices):
    PMPM_SHARE = "pmpm_share", _("Per member per month plus a share of shareable revenue")
    FIXED = "fixed", _("Fixed schedule")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", pgettext_lazy("agreement status", "Closed")


class ContributionAgreement(models.Model):
    """What a plan agreed to pay a fund, and how often.

    ``pmpm_share``: expected = PMPM rate (USD per member month) x the plan's member months in
    the fund's counties for the period + ``revenue_share_percent`` % of the period's shareable
    revenue. ``fixed``: expected = ``fixed_amount`` per period. Statements are due
    ``due_days_after_period`` days after the period ends.
    """

    fund = models.ForeignKey(WellnessFund, on_delete=models.PROTECT, related_name="agreements")
    plan = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="contribution_agreements"
    )
    funding_source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="agreements")
    code = models.SlugField(max_length=50)
    basis = models.CharField(max_length=16, choices=AgreementBasis.choices)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    pmpm_rate = models.DecimalField(max_digits=10, decimal_places=4, default=0)  # USD per member month
    revenue_share_percent = models.DecimalField(max_digits=7, decimal_places=4, default=0)  # percent
    fixed_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    due_days_after_period = models.PositiveSmallIntegerField(default=30)  # days
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="agreement_unique_code"),
            models.CheckConstraint(condition=Q(pmpm_rate__gte=0), name="agreement_pmpm_not_negative"),
            # A share above 100% of revenue is a data-entry error, never an agreement.
            models.CheckConstraint(
                condition=Q(revenue_share_percent__gte=0) & Q(revenue_share_percent__lte=100),
                name="agreement_share_percent_range",
            ),
            models.CheckConstraint(condition=Q(fixed_amount__gte=0), name="agreement_fixed_not_negative"),
            # Fixed agreements need an amount; PMPM ones need a rate or a share.
            models.CheckConstraint(
                condition=(Q(basis="fixed") & Q(fixed_amount__gt=0))
                | (Q(basis="pmpm_share") & (Q(pmpm_rate__gt=0) | Q(revenue_share_percent__gt=0))),
                name="agreement_basis_has_terms",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="agreement_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(starts_on__day=1), name="agreement_starts_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code}/{self.code}"


class ContributionStatement(models.Model):
    """The contribution expected from an agreement for one period, with the figures used."""

    agreement = models.ForeignKey(ContributionAgreement, on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    member_months = models.PositiveIntegerField(default=0)  # member months in the fund's counties
    pmpm_rate = models.DecimalField(max_digits=10, decimal_places=4, default=0)  # USD per member month
    pmpm_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    shareable_revenue = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    revenue_share_percent = models.DecimalField(max_digits=7, decimal_places=4, default=0)  # percent
    revenue_share_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    fixed_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    expected_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    expected_amount_currency: str  # the currency column MoneyField adds beside its amount
    issued_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["agreement", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_start"], name="statement_unique_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="statement_period_ordered"),
            # The expected amount is the sum of its parts, so the statement explains itself.
            models.CheckConstraint(
                condition=Q(expected_amount=F("pmpm_amount") + F("revenue_share_amount") + F("fixed_amount")),
                name="statement_expected_is_sum_of_parts",
            ),
            models.CheckConstraint(condition=Q(expected_amount__gte=0), name="statement_expected_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.period_start:%Y-%m}"


class ContributionStatementLine(models.Model):
    """Member months of one county in a statement (the weights a payment is split by)."""

    statement = models.ForeignKey(ContributionStatement, on_delete=models.PROTECT, related_name="lines")
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    member_months = models.PositiveIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["statement", "county"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "county"], name="statement_line_unique_county"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.county_id}: {self.member_months}"


class ContributionPayment(models.Model):
    """A contribution received from a plan, posted to the ledger and credited to its obligation.

    Append-only (a PostgreSQL trigger refuses UPDATE and DELETE): no column may change once
    recorded, because no service needs one to. A mistaken payment is corrected by reversing its
    ledger transaction (``contribution_payment_reverse``), which leaves this row as it was.
    """

    agreement = models.ForeignKey(ContributionAgreement, on_delete=models.PROTECT, related_name="payments")
    statement = models.ForeignKey(ContributionStatement, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    received_on = models.DateField()
    bank_reference = models.CharField(max_length=120)
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="payment")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["agreement", "received_on", "pk"]
        constraints = [
            # Recording the same bank transfer twice must not count it twice.
            models.UniqueConstraint(fields=["agreement", "bank_reference"], name="payment_unique_bank_ref"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=~Q(bank_reference=""), name="payment_bank_ref_required"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.received_on} {self.amount}"


class OtherReceipt(models.Model):
    """Money received from a non-plan source (public health, philanthropy...).

    Append-only (a PostgreSQL trigger refuses UPDATE and DELETE): no column may change once
    recorded; a mistaken receipt is corrected by reversing its ledger transaction.
    """

    funding_source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="receipts")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    received_on = models.DateField()
    reference = models.CharField(max_length=120)
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="receipt")

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["funding_source", "reference"], name="receipt_unique_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.funding_source} {self.received_on} {self.amount}"
