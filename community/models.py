"""Community voice and alignment.

* Advisory bodies (``AdvisoryBody``): a plan's community advisory committee (CAC), an ACH's
  steering council, a resident panel... (``AdvisoryBodyType``: reference rows). A body belongs to
  one organization (a plan, or the ACH that holds a wellness fund), has members
  (``AdvisoryMember``) with the constituency each represents (``Constituency``: reference rows),
  and meets (``AdvisoryMeeting``): an agenda posted before, notes after, attendance, topics. The
  meetings, agendas and notes are public (Medi-Cal's 2024 contract: "meeting agendas and notes
  must be publicly posted"); members' e-mail addresses never are.
* Community health plans (``CommunityHealthPlan``): a county's (or a region's) community
  health assessment or improvement plan (CHA/CHIP), with its priorities (``HealthPriority``).
  ``PriorityTag`` ties a priority to a direct investment or to a wellness fund (a fund declares
  the priorities it funds; contributions to it inherit them): one nullable foreign key per kind
  of target, exactly one set.
* Equity dimensions (``EquityTaxonomy`` > ``EquityDimension`` > ``EquityCategory``): versioned
  reference data with the source of each dimension; "not reported" and "declined" are
  distinct categories of every dimension.
* Reinvestment plans (``ReinvestmentPlan``): for one plan and income year, the planned lines
  (county, social-driver domain, CHIP priority, amount) and the advisory meetings behind them,
  submitted to the regulator of the plan's jurisdiction, who approves or returns it with
  comments. Each submission is kept as a ``ReinvestmentPlanVersion`` with a frozen copy of its
  lines. The deadline comes from ``ReinvestmentPlanTiming`` (data, with its source, or flagged
  unverified).
"""


import calendar
import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from organizations.dates import date_words
from reinvestment.models import SocialDriverDomain

# --- advisory bodies ---------------------------------------------------------------------


class AdvisoryBodyType(models.Model):
    """Reference data: a kind of advisory body (CAC, ACH steering council, resident panel...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    source_citation = models.TextField(blank=True, help_text="Where this kind of body is required or described.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Constituency(models.Model):
    """Reference data: whom a member represents (Medi-Cal member, CBO, county public health...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "constituencies"

    def __str__(self) -> str:
        return self.name


class AdvisoryBody(models.Model):
    """An advisory body of one organization (a plan, or an ACH); its code addresses its public page."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="advisory_bodies")
    fund = models.ForeignKey(
        "wellness_fund.WellnessFund", null=True, blank=True, on_delete=models.PROTECT, related_name="advisory_bodies",
        help_text="The wellness fund the body advises, when it belongs to the fund's ACH.")
    body_type = models.ForeignKey(AdvisoryBodyType, on_delete=models.PROTECT, related_name="bodies")
    code = models.SlugField(max_length=60, unique=True, help_text="Used in the public page's address.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    counties = models.ManyToManyField("organizations.County", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__code", "name"]
        verbose_name_plural = "advisory bodies"

    def __str__(self) -> str:
        return self.name


class AdvisoryMember(models.Model):
    """A seat on a body. ``email`` is for the body's staff only; ``name_public`` is the member's
    consent to be named on the public page (otherwise only the constituency is shown)."""

    body = models.ForeignKey(AdvisoryBody, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(max_length=160)
    email = models.EmailField(blank=True)
    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="+")
    name_public = models.BooleanField(default=False, help_text="The member agreed to be named on the public page.")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["body", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="advisory_member_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.constituency})"

    def serves_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AdvisoryMeeting(models.Model):
    body = models.ForeignKey(AdvisoryBody, on_delete=models.PROTECT, related_name="meetings")
    meets_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=255, blank=True, help_text="Place, or how to join remotely.")
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    agenda = models.TextField(blank=True)
    agenda_posted_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    notes_file = models.FileField(upload_to="community/notes/%Y/", blank=True)
    notes_posted_at = models.DateTimeField(null=True, blank=True)
    public_attendees = models.PositiveIntegerField(default=0, help_text="Members of the public who attended.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "-meets_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in MeetingStatus]),
                                   name="advisory_meeting_status_valid"),
            # A meeting is recorded as held with its notes (written text).
            models.CheckConstraint(condition=~Q(status="held") | (~Q(notes="") & Q(notes_posted_at__isnull=False)),
                                   name="advisory_meeting_held_has_notes"),
            models.CheckConstraint(condition=Q(agenda="") | Q(agenda_posted_at__isnull=False),
                                   name="advisory_meeting_agenda_posted_at"),
        ]

    def __str__(self) -> str:
        return f"{self.body}, {date_words(self.meets_on)}"


class MeetingTopic(models.Model):
    meeting = models.ForeignKey(AdvisoryMeeting, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(AdvisoryMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(AdvisoryMember, on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        ordering = ["meeting", "member__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meeting_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.member} at {self.meeting}"


class InvestmentMeeting(models.Model):
    """An advisory meeting where a direct investment was discussed (a held meeting of a body of the
    investing plan; ``services.investment_meeting_link``). The public meeting page names the payee
    and the amount; the compliance report lists it under the meeting."""

    direct_investment = models.ForeignKey(
        "reinvestment.DirectInvestment", on_delete=models.PROTECT, related_name="advisory_meetings")
    meeting = models.ForeignKey(AdvisoryMeeting, on_delete=models.PROTECT, related_name="investment_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["direct_investment", "meeting"],
                                               name="investment_meeting_unique")]

    def __str__(self) -> str:
        return f"investment {self.direct_investment_id} discussed at {self.meeting}"


# --- community health assessments and improvement plans ------------------------------------


class HealthPlanKind(models.TextChoices):
    CHA = "cha", _("Community health assessment")
    CHIP = "chip", _("Community health improvement plan")


class CommunityHealthPlan(models.Model):
    """A county's (or a region's: several counties) CHA or CHIP, as published by its author."""

    kind = models.CharField(max_length=8, choices=HealthPlanKind.choices, default=HealthPlanKind.CHIP)
    title = models.CharField(max_length=255)
    publisher = models.CharField(max_length=255, help_text="Who published it, e.g. the county public health department.")
    region_name = models.CharField(max_length=120, blank=True, help_text="For a regional plan: the region's name.")
    counties = models.ManyToManyField("organizations.County", related_name="+")
    url = models.URLField(max_length=500, blank=True)
    period_start = models.PositiveSmallIntegerField(help_text="First year covered.")
    period_end = models.PositiveSmallIntegerField(help_text="Last year covered.")
    verified = models.BooleanField(default=False, help_text="Title, period and priorities were checked against the document.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="community_health_plan_period_ordered"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in HealthPlanKind]),
                                   name="community_health_plan_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start}–{self.period_end})"


class HealthPriority(models.Model):
    health_plan = models.ForeignKey(CommunityHealthPlan, on_delete=models.PROTECT, related_name="priorities")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["health_plan", "position", "id"]
        verbose_name_plural = "health priorities"
        constraints = [
            models.UniqueConstraint(fields=["health_plan", "title"], name="health_priority_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class PriorityTag(models.Model):
    """A priority a direct investment serves, or that a wellness fund declares it funds.

    One nullable foreign key per kind of target, exactly one set (no generic relation, so the
    layers below grants need not know grants; a grants record is tagged from the grants side).
    """

    priority = models.ForeignKey(HealthPriority, on_delete=models.PROTECT, related_name="tags")
    direct_investment = models.ForeignKey(
        "reinvestment.DirectInvestment", null=True, blank=True, on_delete=models.PROTECT, related_name="priority_tags")
    fund = models.ForeignKey(
        "wellness_fund.WellnessFund", null=True, blank=True, on_delete=models.PROTECT, related_name="priority_tags")
    tagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direct_investment__isnull=False) & Q(fund__isnull=True))
                | (Q(direct_investment__isnull=True) & Q(fund__isnull=False)),
                name="priority_tag_exactly_one_target"),
            models.UniqueConstraint(fields=["priority", "direct_investment"], condition=Q(direct_investment__isnull=False),
                                    name="priority_tag_unique_investment"),
            models.UniqueConstraint(fields=["priority", "fund"], condition=Q(fund__isnull=False),
                                    name="priority_tag_unique_fund"),
        ]

    def __str__(self) -> str:
        target = f"investment {self.direct_investment_id}" if self.direct_investment_id else f"fund {self.fund_id}"
        return f"{self.priority} ← {target}"


# --- equity dimensions ------------------------------------------------------------------------


class EquityTaxonomy(models.Model):
    """One version of the equity dimensions; the version in force on a day is the latest whose
    ``effective_from`` is on or before it."""

    version = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    source_citation = models.TextField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name_plural = "equity taxonomies"

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class EquityDimension(models.Model):
    taxonomy = models.ForeignKey(EquityTaxonomy, on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    multiple = models.BooleanField(default=False, help_text="A person may be counted in several categories.")
    position = models.PositiveSmallIntegerField(default=1)
    source_citation = models.TextField()
    verified = models.BooleanField(default=False, help_text="The categories were checked against the cited source.")

    class Meta:
        ordering = ["taxonomy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="equity_dimension_unique_code"),
            models.CheckConstraint(condition=~Q(source_citation=""), name="equity_dimension_has_source"),
        ]

    def __str__(self) -> str:
        return self.name


class CategoryKind(models.TextChoices):
    REPORTED = "reported", _("A reported answer")
    NOT_REPORTED = "not_reported", _("Not reported (no answer collected)")
    DECLINED = "declined", _("Declined to answer")


class EquityCategory(models.Model):
    dimension = models.ForeignKey(EquityDimension, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=60, help_text='e.g. "asian", "65+", "declined".')
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=16, choices=CategoryKind.choices, default=CategoryKind.REPORTED)
    parent_code = models.SlugField(max_length=60, blank=True,
                                   help_text="For a detailed category: the code of the minimum category it belongs to.")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["dimension", "position", "id"]
        verbose_name_plural = "equity categories"
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="equity_category_unique_code"),
            # One "not reported" and one "declined" per dimension, never merged.
            models.UniqueConstraint(fields=["dimension", "kind"], condition=~Q(kind="reported"),
                                    name="equity_category_one_missing_kind"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in CategoryKind]),
                                   name="equity_category_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


# --- reinvestment plans ---------------------------------------------------------------------


class ReinvestmentPlanTiming(models.Model):
    """When a jurisdiction's reinvestment plan for income year N is due: the last day of quarter
    ``due_quarter`` of year N + ``due_year_offset`` (versioned by the first income year it covers)."""

    jurisdiction = models.CharField(max_length=8)
    effective_from_year = models.PositiveSmallIntegerField()
    due_year_offset = models.PositiveSmallIntegerField()
    due_quarter = models.PositiveSmallIntegerField()
    source_citation = models.TextField()
    unverified = models.BooleanField(default=True, help_text="No source document at hand confirms the timing.")

    class Meta:
        ordering = ["jurisdiction", "-effective_from_year"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "effective_from_year"], name="plan_timing_unique"),
            models.CheckConstraint(condition=Q(due_quarter__gte=1) & Q(due_quarter__lte=4), name="plan_timing_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} from {self.effective_from_year}: Q{self.due_quarter} of N+{self.due_year_offset}"

    def deadline_for(self, income_year: int) -> dt.date:
        year = income_year + self.due_year_offset
        month = self.due_quarter * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the regulator")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")


class ReinvestmentPlan(models.Model):
    plan = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="reinvestment_plans")
    income_year = models.PositiveSmallIntegerField()
    jurisdiction = models.CharField(max_length=8, help_text="The plan's jurisdiction when the plan was written.")
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    narrative = models.TextField(blank=True)
    deadline = models.DateField()
    timing = models.ForeignKey(ReinvestmentPlanTiming, on_delete=models.PROTECT, related_name="+")
    meetings = models.ManyToManyField(AdvisoryMeeting, blank=True, related_name="reinvestment_plans")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-income_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "income_year"], name="reinvestment_plan_unique_cycle"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in PlanStatus]),
                                   name="reinvestment_plan_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Reinvestment plan {self.plan_id} {self.income_year}"

    @property
    def editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class ReinvestmentPlanLine(models.Model):
    reinvestment_plan = models.ForeignKey(ReinvestmentPlan, on_delete=models.CASCADE, related_name="lines")
    county = models.ForeignKey("organizations.County", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=24, choices=SocialDriverDomain.choices)
    priority = models.ForeignKey(HealthPriority, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=255)
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    objects: models.Manager["ReinvestmentPlanLine"] = models.Manager()

    class Meta:
        ordering = ["reinvestment_plan", "county__name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reinvestment_plan_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.domain}: {self.amount}"


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


class ReinvestmentPlanVersion(models.Model):
    """One submission: a frozen copy of the lines and meetings, and the regulator's decision."""

    reinvestment_plan = models.ForeignKey(ReinvestmentPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    narrative = models.TextField(blank=True)
    lines = models.JSONField(default=list)
    meeting_ids = models.JSONField(default=list)
    total = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    submitted_at = models.DateTimeField()
    submitted_by = models.CharField(max_length=150)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    regulator = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    comments = models.TextField(blank=True)

    objects: models.Manager["ReinvestmentPlanVersion"] = models.Manager()

    class Meta:
        ordering = ["reinvestment_plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["reinvestment_plan", "number"], name="reinvestment_plan_version_unique"),
            models.CheckConstraint(condition=Q(decision="") | Q(decided_at__isnull=False),
                                   name="reinvestment_plan_version_decided_at"),
            # A return says why.
            models.CheckConstraint(condition=~Q(decision="returned") | ~Q(comments=""),
                                   name="reinvestment_plan_version_return_has_comments"),
        ]

    def __str__(self) -> str:
        return f"{self.reinvestment_plan} v{self.number}"


# --- stratified outcomes ------------------------------------------------------------------------


class OutcomeMeasure(models.Model):
    """Reference data: something a fund reports, stratified by the equity dimensions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    suppress_below = models.PositiveSmallIntegerField(
        default=11, help_text="Public pages show counts below this as suppressed (small cells identify people).")
    source_citation = models.TextField()
    unverified = models.BooleanField(default=True, help_text="No source document at hand confirms the threshold.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StratifiedOutcome(models.Model):
    """One cell: a count (of a denominator, when a rate) for one category of one dimension, of a wellness
    fund or of a direct investment (a program the plan funds or operates itself): one nullable foreign key
    per kind of target, exactly one set (as ``PriorityTag``)."""

    fund = models.ForeignKey("wellness_fund.WellnessFund", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="outcomes")
    direct_investment = models.ForeignKey(
        "reinvestment.DirectInvestment", null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes")
    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.PROTECT, related_name="outcomes")
    period_start = models.DateField()
    period_end = models.DateField()
    taxonomy = models.ForeignKey(EquityTaxonomy, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=40)
    category = models.CharField(max_length=60)
    count = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "direct_investment", "measure", "-period_end", "dimension", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(fund__isnull=False) & Q(direct_investment__isnull=True))
                | (Q(fund__isnull=True) & Q(direct_investment__isnull=False)),
                name="stratified_outcome_exactly_one_target"),
            # One cell per target: a NULL never collides in a unique index, so one per kind of target.
            models.UniqueConstraint(fields=["fund", "measure", "period_start", "period_end", "dimension", "category"],
                                    condition=Q(fund__isnull=False), name="stratified_outcome_unique_cell"),
            models.UniqueConstraint(fields=["direct_investment", "measure", "period_start", "period_end", "dimension",
                                            "category"],
                                    condition=Q(direct_investment__isnull=False),
                                    name="stratified_outcome_unique_investment_cell"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="stratified_outcome_period_ordered"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | Q(denominator__gte=models.F("count")),
                                   name="stratified_outcome_count_within_denominator"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.dimension}={self.category}: {self.count}"


class DisparityReference(models.TextChoices):
    OVERALL = "overall", _("The overall rate")
    GROUP = "group", _("A reference group")


class DisparityTarget(models.Model):
    """A target for a stratified measure stated as a disparity goal: reduce the gap between the rate
    of one group (``group``, a category of ``dimension``) and the overall rate, or the rate of a
    reference group, by ``reduction`` (0.5 = halve the gap) between the baseline period and the
    target period. The gap is reference rate minus group rate, measured on the fund's
    ``StratifiedOutcome`` rows (numerator / denominator); the overall rate is the dimension's
    numerators summed over its denominators."""

    fund = models.ForeignKey("wellness_fund.WellnessFund", on_delete=models.PROTECT, related_name="disparity_targets")
    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.PROTECT, related_name="disparity_targets")
    taxonomy = models.ForeignKey(EquityTaxonomy, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=40)
    group = models.CharField(max_length=60, help_text="The category whose gap is to be reduced.")
    reference = models.CharField(max_length=8, choices=DisparityReference.choices)
    reference_category = models.CharField(max_length=60, blank=True,
                                          help_text="With a reference group: its category.")
    baseline_start = models.DateField()
    baseline_end = models.DateField()
    target_start = models.DateField()
    target_end = models.DateField()
    reduction = models.DecimalField(max_digits=5, decimal_places=4,
                                    help_text="Share of the baseline gap to close (0.25 = reduce it by 25%).")
    rationale = models.TextField(blank=True, help_text="Why this target: the source or the community input behind it.")
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "measure", "dimension", "group", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(reference__in=[r.value for r in DisparityReference]),
                                   name="disparity_target_reference_valid"),
            # A reference group is named, and is not the group itself; the overall rate names none.
            models.CheckConstraint(
                condition=(Q(reference="group") & ~Q(reference_category="") & ~Q(reference_category=models.F("group")))
                | (Q(reference="overall") & Q(reference_category="")),
                name="disparity_target_reference_named"),
            models.CheckConstraint(condition=Q(reduction__gt=0) & Q(reduction__lte=1),
                                   name="disparity_target_reduction_fraction"),
            models.CheckConstraint(condition=Q(baseline_end__gte=models.F("baseline_start")),
                                   name="disparity_target_baseline_ordered"),
            models.CheckConstraint(condition=Q(target_end__gte=models.F("target_start"))
                                   & Q(target_start__gt=models.F("baseline_end")),
                                   name="disparity_target_period_after_baseline"),
            models.UniqueConstraint(fields=["fund", "measure", "dimension", "group", "target_end"],
                                    name="disparity_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.dimension}={self.group} vs {self.reference_category or self.reference}"
