"""Reinvestment policies as versioned data.

A policy (``code``) has numbered versions; each version is in effect for a range of
income (or, for premium-at-risk policies, measurement) years. For a given year the
version in effect is the highest version whose range contains the year, so a new
version supersedes older ones for the years it covers without editing them.

A version turns a plan's year into an obligation (see ``calculation.py``):

* ``basis``: the amount the rates apply to: net income, pre-tax profit, MLR shortfall
  (``(mlr_minimum - MLR) x MLR denominator``) or gross premium at risk
  (gross premium x share of the core quality measures missed).
* ``brackets``: a rate applied to the part of the basis between two thresholds;
  a threshold is either a share of revenue (``0.075`` = 7.5% of revenue) or money.
* ``quality_addon_rate``: an extra rate on the whole basis when the plan missed the
  state's minimum quality performance levels.
* ``floor_amount`` / ``cap_amount``: bounds on a positive obligation.
* ``mlr_minimum`` + ``mlr_remittance_required``: a plan whose MLR is below the minimum
  remits ``(minimum - MLR) x denominator``, reported next to the obligation.
* ``rebate_reinvestment_optional`` (MLR-shortfall basis): the shortfall is a rebate the plan
  may reinvest in part or in full instead of returning it; the obligation is the part reinvested.
* ``earmarks``: minimum shares of the obligation for a category of spending.
* ``allocation_basis``: how the obligation is split across counties.
* ``window_start_offset`` / ``window_end_offset``: the investment window, in years after
  the income year (California: N+3 .. N+5); the deadline is the window's last day.
* ``on_track_min_pace``: the status rule (see ``selectors.obligation_status``).

Rates are fractions (``0.05`` = 5%). Versions used by a frozen obligation are kept as
they were: the obligation stores a snapshot of the terms it was computed with.

Where a version applies is data too: ``PolicyApplicability`` rows name the jurisdictions and
lines of business (``LineOfBusiness``) it applies to; the income years are its effective
range. ``PolicyTermSource`` rows cite the source of each term (and flag the terms no source
document confirms as ``unverified``).
"""

from typing import ClassVar, Self

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField


class PolicyBasis(models.TextChoices):
    NET_INCOME = "net_income", _("Net income")
    PRETAX_INCOME = "pretax_income", _("Pre-tax profit")
    MLR_SHORTFALL = "mlr_shortfall", _("MLR shortfall")
    PREMIUM_AT_RISK = "premium_at_risk", _("Gross premium at risk for missed quality benchmarks")


class AllocationBasis(models.TextChoices):
    MEMBER_MONTHS = "member_months", _("Member months")
    REVENUE = "revenue", _("Revenue share")
    NET_INCOME = "net_income", _("Net income share")


class ThresholdKind(models.TextChoices):
    REVENUE_SHARE = "revenue_share", _("Share of revenue")
    AMOUNT = "amount", _("Amount of money")


class SocialDriverDomain(models.TextChoices):
    """Social-driver domains every investment is tagged with."""

    ECONOMIC_STABILITY = "economic_stability", _("Economic stability")
    HOUSING = "housing", _("Neighborhood and built environment: housing")
    TRANSPORTATION = "transportation", _("Neighborhood and built environment: transportation")
    NEIGHBORHOOD = "neighborhood", _("Neighborhood and built environment")
    EDUCATION = "education", _("Education")
    FOOD = "food", _("Food")
    SOCIAL_COMMUNITY = "social_community", _("Social and community context")
    HEALTH_CARE = "health_care", _("Health care access and quality")


class ReinvestmentPolicy(models.Model):
    """One version of a reinvestment policy (see the module docstring for each term)."""

    jurisdiction = models.CharField(max_length=8, help_text="State code, e.g. CA.")
    code = models.SlugField(max_length=30, help_text="e.g. CA-DHCS", allow_unicode=False)
    version = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=255)
    currency = models.CharField(max_length=3, default="USD")
    effective_from_year = models.PositiveSmallIntegerField()
    effective_to_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last year covered; empty = open-ended."
    )
    basis = models.CharField(max_length=20, choices=PolicyBasis.choices)
    quality_addon_rate = models.DecimalField(
        max_digits=7, decimal_places=6, default=0,
        help_text="Extra rate on the basis when quality standards are missed (0.075 = 7.5%).",
    )
    quality_measures = models.JSONField(
        default=list, blank=True,
        help_text="Core quality measures [{\"code\", \"name\"}] sharing the premium at risk equally.",
    )
    floor_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True)
    cap_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", null=True, blank=True)
    mlr_minimum = models.DecimalField(
        max_digits=7, decimal_places=6, null=True, blank=True, help_text="e.g. 0.85 for 85%."
    )
    mlr_remittance_required = models.BooleanField(
        default=False, help_text="A plan below the MLR minimum remits the shortfall."
    )
    allocation_basis = models.CharField(
        max_length=20, choices=AllocationBasis.choices, default=AllocationBasis.MEMBER_MONTHS
    )
    window_start_offset = models.PositiveSmallIntegerField(
        default=1, help_text="First year of the investment window, in years after the income year."
    )
    window_end_offset = models.PositiveSmallIntegerField(
        default=1, help_text="Last year of the investment window, in years after the income year."
    )
    on_track_min_pace = models.DecimalField(
        max_digits=5, decimal_places=4, default=1,
        help_text="On track while fulfilled >= total x elapsed share of the window x this pace.",
    )
    rebate_reinvestment_optional = models.BooleanField(
        default=False,
        help_text="MLR-shortfall basis: the plan may reinvest some or all of the rebate it would otherwise "
                  "return; the obligation is the part it reinvests (entered with the year's figures).",
    )
    source_citation = models.TextField(help_text="Shown in reports next to the computation.")
    notes = models.TextField(blank=True)
    is_draft = models.BooleanField(
        default=False,
        help_text="A draft version is being prepared: no obligation, page or report uses it until it is "
                  "published.")
    created_at = models.DateTimeField(auto_now_add=True)

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

    class Meta:
        ordering = ["code", "version"]
        verbose_name_plural = "reinvestment policies"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="policy_unique_code_version"),
            # A year range must not run backwards.
            models.CheckConstraint(
                condition=Q(effective_to_year__isnull=True) | Q(effective_to_year__gte=F("effective_from_year")),
                name="policy_effective_range_ordered",
            ),
            # Rates are fractions between 0 and 1.
            models.CheckConstraint(
                condition=Q(quality_addon_rate__gte=0) & Q(quality_addon_rate__lte=1),
                name="policy_quality_addon_rate_fraction",
            ),
            models.CheckConstraint(
                condition=Q(mlr_minimum__isnull=True) | (Q(mlr_minimum__gt=0) & Q(mlr_minimum__lte=1)),
                name="policy_mlr_minimum_fraction",
            ),
            # Remittance and the MLR-shortfall basis need a minimum to fall short of.
            models.CheckConstraint(
                condition=Q(mlr_minimum__isnull=False) | (Q(mlr_remittance_required=False) & ~Q(basis="mlr_shortfall")),
                name="policy_mlr_rules_need_minimum",
            ),
            # Bounds must be positive and in order.
            models.CheckConstraint(
                condition=Q(floor_amount__isnull=True) | Q(floor_amount__gte=0), name="policy_floor_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(floor_amount__isnull=True) | Q(cap_amount__isnull=True) | Q(cap_amount__gte=F("floor_amount")),
                name="policy_cap_above_floor",
            ),
            models.CheckConstraint(
                condition=Q(window_end_offset__gte=F("window_start_offset")), name="policy_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(on_track_min_pace__gte=0) & Q(on_track_min_pace__lte=1), name="policy_pace_fraction"
            ),
            models.CheckConstraint(
                condition=Q(basis__in=[b.value for b in PolicyBasis]), name="policy_basis_valid"
            ),
            models.CheckConstraint(
                condition=Q(allocation_basis__in=[b.value for b in AllocationBasis]), name="policy_allocation_basis_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def covers(self, year: int) -> bool:
        return self.effective_from_year <= year and (self.effective_to_year is None or year <= self.effective_to_year)


class PolicyBracket(models.Model):
    """``rate`` applied to the part of the basis between ``lower`` and ``upper`` (empty = no bound)."""

    policy = models.ForeignKey(ReinvestmentPolicy, on_delete=models.CASCADE, related_name="brackets")
    position = models.PositiveSmallIntegerField(default=1)
    lower_kind = models.CharField(max_length=16, choices=ThresholdKind.choices, default=ThresholdKind.AMOUNT)
    lower_value = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True,
        help_text="A share of revenue (0.075) or an amount of money; empty = from zero.",
    )
    upper_kind = models.CharField(max_length=16, choices=ThresholdKind.choices, default=ThresholdKind.AMOUNT)
    upper_value = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True, help_text="Empty = no upper bound."
    )
    rate = models.DecimalField(max_digits=7, decimal_places=6, help_text="0.05 = 5%.")

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="policy_bracket_unique_position"),
            # A rate is a fraction of the basis.
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=1), name="policy_bracket_rate_fraction"),
            models.CheckConstraint(
                condition=Q(lower_value__isnull=True) | Q(lower_value__gte=0), name="policy_bracket_lower_not_negative"
            ),
            # Same-kind thresholds must be in order (mixed kinds are checked when computing).
            models.CheckConstraint(
                condition=Q(lower_value__isnull=True) | Q(upper_value__isnull=True) | ~Q(lower_kind=F("upper_kind"))
                | Q(upper_value__gte=F("lower_value")),
                name="policy_bracket_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} bracket {self.position}"


class PolicyEarmark(models.Model):
    """A minimum share of the obligation that must go to a category of spending.

    A payment counts toward the earmark when its social-driver domain is one of
    ``domains`` (empty = any domain) and, if ``requires_cha_chip_alignment``, it is
    aligned with the local community health assessment / improvement plan; if
    ``requires_equity_partner``, it was paid to an SDOH/equity partner (``reinvestment.earmarks``).
    """

    policy = models.ForeignKey(ReinvestmentPolicy, on_delete=models.CASCADE, related_name="earmarks")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    minimum_share = models.DecimalField(max_digits=5, decimal_places=4, help_text="0.10 = 10% of the obligation.")
    domains = models.JSONField(default=list, blank=True)
    requires_cha_chip_alignment = models.BooleanField(default=False)
    requires_equity_partner = models.BooleanField(
        default=False, help_text="Only payments to SDOH/equity partners (community-based organizations) count.")

    class Meta:
        ordering = ["policy", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="policy_earmark_unique_code"),
            # A share of the obligation is between 0 and 100%.
            models.CheckConstraint(
                condition=Q(minimum_share__gt=0) & Q(minimum_share__lte=1), name="policy_earmark_share_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.code}"


class LineOfBusiness(models.Model):
    """Reference data: a line of business a plan keeps separate figures for (Medi-Cal, commercial...).

    A plan's figures default to the Medicaid line of its state (``medicaid`` and
    ``jurisdiction`` = the plan's state), else to the Medicaid line of any state
    (``medicaid`` and no ``jurisdiction``).
    """

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120, unique=True)
    jurisdiction = models.CharField(
        max_length=8, blank=True, help_text="State the line exists in (Medi-Cal: CA); empty = any state."
    )
    medicaid = models.BooleanField(default=False, help_text="A Medicaid managed care line.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "lines of business"

    def __str__(self) -> str:
        return self.name


class PolicyApplicability(models.Model):
    """A policy version applies to the figures of ``line_of_business`` of plans in ``jurisdiction``.

    The income years it applies to are the version's effective range. ``source`` cites where
    the rule says so; ``unverified`` marks a term no source document confirms.
    """

    policy = models.ForeignKey(ReinvestmentPolicy, on_delete=models.CASCADE, related_name="applicability")
    jurisdiction = models.CharField(max_length=8, help_text="State code of the plans it applies to, e.g. CA.")
    line_of_business = models.ForeignKey(LineOfBusiness, on_delete=models.PROTECT, related_name="+")
    source = models.TextField(help_text="Source document and section saying the policy applies here.")
    unverified = models.BooleanField(default=False, help_text="No source document confirms this term.")

    class Meta:
        ordering = ["policy", "jurisdiction", "line_of_business__position"]
        verbose_name_plural = "policy applicability"
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "jurisdiction", "line_of_business"], name="policy_applicability_unique"
            ),
            models.CheckConstraint(condition=~Q(jurisdiction=""), name="policy_applicability_has_jurisdiction"),
            models.CheckConstraint(condition=~Q(source=""), name="policy_applicability_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} applies to {self.jurisdiction} {self.line_of_business_id}"


class PolicyTerm(models.TextChoices):
    INCOME_YEARS = "income_years", _("Income (or measurement) years covered")
    RATES = "rates", _("Basis, brackets and rates")
    QUALITY_ADDON = "quality_addon", _("Quality add-on rate")
    QUALITY_MEASURES = "quality_measures", _("Core quality measures")
    MLR = "mlr", _("MLR minimum, remittance and rebate")
    WINDOW = "window", _("Investment window")
    EARMARKS = "earmarks", _("Earmarks")


class PolicyTermSource(models.Model):
    """Where one term of a policy version comes from, and whether a source document confirms it."""

    policy = models.ForeignKey(ReinvestmentPolicy, on_delete=models.CASCADE, related_name="term_sources")
    term = models.CharField(max_length=20, choices=PolicyTerm.choices)
    source = models.TextField(help_text="Source document and section, or why the figure is an assumption.")
    unverified = models.BooleanField(default=False, help_text="No source document confirms this term.")

    class Meta:
        ordering = ["policy", "term"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "term"], name="policy_term_source_unique"),
            models.CheckConstraint(condition=Q(term__in=[t.value for t in PolicyTerm]), name="policy_term_valid"),
            models.CheckConstraint(condition=~Q(source=""), name="policy_term_source_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.term}{' (unverified)' if self.unverified else ''}"
