"""Grants: calls for proposals, applications, review, board decisions and awards.

The path of a grant, and where each rule lives:

* ``FundingOpportunity`` (a call for proposals) belongs to a wellness fund and
  one of its restrictions; its eligibility questions, scoring rubric and
  reporting template are rows, not code.
* ``Application`` by a CBO, with ``BudgetLine`` and ``Attachment`` rows; a draft
  saves at any time, submission validates everything and locks it
  (``grants.services.applications``).
* ``ReviewAssignment`` and ``Score``: reviewers chosen by the fund
  administrator score against the rubric; a reviewer affiliated with the
  applicant is excluded automatically, any reviewer may declare a conflict.
* ``GoverningBody`` with ``Seat`` rows and versioned ``VotingRule`` rows for
  quorum and passing; ``Meeting`` -> ``AgendaItem`` (one application or a
  slate) -> ``Recusal`` and ``Ballot``; the outcome produces a ``Decision``
  per application. Certified minutes are immutable (model layer and a
  PostgreSQL trigger, migration 0003).
* ``Award`` from an approved decision, committed through the wellness fund's
  ledger (``wellness_fund.commitments``), with a payment schedule of
  ``Tranche`` rows and a ``ReportSchedule`` generated from the template.
* After the award: ``AwardBudgetLine`` (the approved budget), ``Disbursement``
  (a released tranche paid and posted to the ledger), ``GranteeReport`` with
  ``ReportExpenditure``, ``ReportMetric``, ``PeopleServed`` and its history of
  ``ReportEvent`` rows, ``ReminderPolicy`` (reminder offsets, versioned data) and
  ``Amendment`` (reallocation, extension, amount change, with terms before/after).

State changes follow the tables in ``grants/states.py``. Money is
``MoneyField`` (Decimal); every invariant the database can hold is a
``CheckConstraint`` with the reason next to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from djmoney.models.fields import MoneyField


def _choices(enum: type[models.TextChoices]) -> list[str]:
    return [c.value for c in enum]


class SocialDriverDomain(models.TextChoices):
    ECONOMIC_STABILITY = "economic_stability", "Economic stability"
    NEIGHBORHOOD = "neighborhood_built_environment", "Neighborhood and built environment"
    EDUCATION = "education", "Education"
    FOOD = "food", "Food"
    SOCIAL_CONTEXT = "social_community_context", "Social and community context"
    HEALTH_CARE = "health_care_access_quality", "Health care access and quality"


# --------------------------------------------------------------------------- opportunities


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    DECIDED = "decided", "Decided"


class FundingOpportunity(models.Model):
    """A call for proposals paid from one restriction of one wellness fund."""

    fund = models.ForeignKey(
        "wellness_fund.WellnessFund", on_delete=models.PROTECT, related_name="opportunities"
    )
    restriction = models.ForeignKey(
        "wellness_fund.Restriction", on_delete=models.PROTECT, related_name="opportunities"
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    total_budget = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    award_min = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    award_max = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    opens_at = models.DateTimeField(help_text="Stored in UTC; shown in the opportunity's time zone.")
    closes_at = models.DateTimeField(help_text="Submissions at or after this instant are refused.")
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles",
                                 help_text="IANA time zone the dates are announced in.")
    counties = models.ManyToManyField("organizations.County", blank=True, related_name="+")
    domains = models.JSONField(default=list, blank=True, help_text="Social-driver domain codes.")
    attachment_max_bytes = models.PositiveIntegerField(
        default=10 * 1024 * 1024, help_text="Largest attachment accepted, in bytes."
    )
    status = models.CharField(max_length=16, choices=OpportunityStatus.choices,
                              default=OpportunityStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "id"]
        verbose_name_plural = "funding opportunities"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(OpportunityStatus)),
                                   name="opportunity_status_valid"),
            # An award range must be a positive, non-empty interval inside the budget.
            models.CheckConstraint(condition=Q(award_min__gt=0), name="opportunity_award_min_positive"),
            models.CheckConstraint(condition=Q(award_min__lte=F("award_max")),
                                   name="opportunity_award_range_ordered"),
            models.CheckConstraint(condition=Q(award_max__lte=F("total_budget")),
                                   name="opportunity_award_max_within_budget"),
            # A call that closes before it opens could never receive an application.
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")),
                                   name="opportunity_closes_after_opens"),
            models.CheckConstraint(condition=Q(attachment_max_bytes__gt=0),
                                   name="opportunity_attachment_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ach(self):  # type: ignore[no-untyped-def]
        return self.fund.ach


class EligibilityQuestion(models.Model):
    """A yes/no (or multiple choice) question; some answers disqualify the applicant."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.CASCADE,
                                    related_name="eligibility_questions")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    answer_choices = models.JSONField(default=list, help_text='e.g. ["yes", "no"]')
    disqualifying_answers = models.JSONField(default=list, help_text='e.g. ["no"]')

    class Meta:
        ordering = ["opportunity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="eligibility_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.text}"


class RubricCriterion(models.Model):
    """One scoring criterion: a weight and an integer scale (``scale_min``..``scale_max``)."""

    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.CASCADE,
                                    related_name="rubric")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, help_text="Relative weight, e.g. 30.00.")
    scale_min = models.PositiveSmallIntegerField(default=0)
    scale_max = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["opportunity", "number"]
        verbose_name_plural = "rubric criteria"
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="rubric_unique_number"),
            # A weight of zero or less would make the criterion meaningless or inverted.
            models.CheckConstraint(condition=Q(weight__gt=0), name="rubric_weight_positive"),
            # A scale needs at least two points to express a judgement.
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="rubric_scale_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingTemplate(models.Model):
    """What grantees report and when: the award's report schedule is generated from it.

    Progress reports cover consecutive periods of ``frequency_months`` months
    from the award's start (0 = final report only) and are due
    ``due_days_after_period`` days after each period ends; the final report
    covers the whole award period and is due ``final_due_days_after_end``
    days after it ends.
    """

    opportunity = models.OneToOneField(FundingOpportunity, on_delete=models.CASCADE,
                                       related_name="reporting_template")
    frequency_months = models.PositiveSmallIntegerField(default=6)
    due_days_after_period = models.PositiveSmallIntegerField(default=30)
    final_due_days_after_end = models.PositiveSmallIntegerField(default=60)
    metrics = models.JSONField(default=list, blank=True,
                               help_text='Metrics asked for, e.g. [{"code": "sessions", "label": "Sessions held", "unit": "count"}].')
    demographics = models.JSONField(default=list, blank=True,
                                    help_text='Demographic breakdowns asked for, e.g. ["county", "race_ethnicity", "language"].')

    class Meta:
        constraints = [
            # Report periods longer than a year would leave a funded year unreported.
            models.CheckConstraint(condition=Q(frequency_months__lte=12),
                                   name="reporting_frequency_at_most_yearly"),
        ]

    def __str__(self) -> str:
        return f"Reporting for {self.opportunity}"


# --------------------------------------------------------------------------- applications


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RECOMMENDED = "recommended", "Recommended"
    NOT_RECOMMENDED = "not_recommended", "Not recommended"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    AWARDED = "awarded", "Awarded"


class Application(models.Model):
    opportunity = models.ForeignKey(FundingOpportunity, on_delete=models.PROTECT,
                                    related_name="applications")
    applicant = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                  related_name="grant_applications")
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    contact_name = models.CharField(max_length=255, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    project_title = models.CharField(max_length=255, blank=True)
    project_summary = models.TextField(blank=True)
    requested_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD",
                                  null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    counties = models.ManyToManyField("organizations.County", blank=True, related_name="+")
    domains = models.JSONField(default=list, blank=True)
    target_populations = models.TextField(blank=True)
    eligibility_answers = models.JSONField(default=dict, blank=True,
                                           help_text="Question number (as text) -> answer.")
    recommendation_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opportunity", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(ApplicationStatus)),
                                   name="application_status_valid"),
            # A request of zero or less is not a request.
            models.CheckConstraint(condition=Q(requested_amount__isnull=True) | Q(requested_amount__gt=0),
                                   name="application_requested_positive"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                | Q(period_end__gt=F("period_start")),
                name="application_period_ordered",
            ),
            # Anything past a draft was submitted: the submission instant must be kept.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} — {self.project_title or 'untitled'}"

    @property
    def reference(self) -> str:
        return f"grants.application:{self.pk}"


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", "Personnel"
    FRINGE = "fringe", "Fringe benefits"
    TRAVEL = "travel", "Travel"
    EQUIPMENT = "equipment", "Equipment"
    SUPPLIES = "supplies", "Supplies"
    CONTRACTUAL = "contractual", "Contractual"
    PARTICIPANT_SUPPORT = "participant_support", "Participant support"
    INDIRECT = "indirect", "Indirect costs"
    OTHER = "other", "Other"


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    number = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=24, choices=BudgetCategory.choices)
    description = models.CharField(max_length=255)
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="budget_line_unique_number"),
            models.CheckConstraint(condition=Q(category__in=_choices(BudgetCategory)),
                                   name="budget_line_category_valid"),
            # Negative lines would let a budget "add up" while hiding costs.
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


class AttachmentType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document (DOCX)"
    XLSX = "xlsx", "Excel workbook (XLSX)"
    PNG = "png", "PNG image"
    JPEG = "jpeg", "JPEG image"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"grants/applications/{instance.application_id}/{instance.sha256[:16]}.{instance.file_type}"


class Attachment(models.Model):
    """A file attached to an application; its type was checked from its content."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField(max_length=255)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=8, choices=AttachmentType.choices)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(file_type__in=_choices(AttachmentType)),
                                   name="attachment_type_valid"),
            # An empty file cannot be a document of any accepted type.
            models.CheckConstraint(condition=Q(size_bytes__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


# --------------------------------------------------------------------------- review


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    SUBMITTED = "submitted", "Scores submitted"
    CONFLICTED = "conflicted", "Conflict of interest"


class ConflictSource(models.TextChoices):
    NONE = "", "None"
    AFFILIATION = "affiliation", "Recorded affiliation with the applicant"
    DECLARED = "declared", "Declared by the reviewer"


class ReviewAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="review_assignments")
    status = models.CharField(max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED)
    conflict_source = models.CharField(max_length=16, choices=ConflictSource.choices, blank=True)
    conflict_reason = models.CharField(max_length=500, blank=True)
    comment = models.TextField(blank=True, help_text="Overall comment of the reviewer.")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_unique_reviewer"),
            models.CheckConstraint(condition=Q(status__in=_choices(AssignmentStatus)),
                                   name="assignment_status_valid"),
            # A conflict is always explained: where it came from and why.
            models.CheckConstraint(
                condition=~Q(status="conflicted") | (~Q(conflict_source="") & ~Q(conflict_reason="")),
                name="assignment_conflict_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assignment", "criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


# --------------------------------------------------------------------------- board


class VotingRuleKind(models.TextChoices):
    QUORUM = "quorum", "Quorum"
    PASSING = "passing", "Passing"


class VotingRuleBasis(models.TextChoices):
    SEATED = "seated", "Seated voting members"
    SEATED_NOT_RECUSED = "seated_not_recused", "Seated voting members not recused from the item"
    VOTES_CAST = "votes_cast", "Votes cast (yes + no; abstentions not counted)"
    PRESENT_NOT_RECUSED = "present_not_recused", "Voting members present and not recused"


class VotingRule(models.Model):
    """A quorum or passing rule, versioned: ``count`` must exceed (or reach) ``numerator/denominator`` of the basis.

    Quorum: the voting members present and not recused, against the basis
    (e.g. more than 1/2 of the seated voting members not recused).
    Passing: the yes votes, against the basis (e.g. more than 1/2 of the
    votes cast). A changed rule is a new version; governing bodies point to
    the version they use, so past outcomes stay explainable.
    """

    code = models.SlugField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=8, choices=VotingRuleKind.choices)
    basis = models.CharField(max_length=24, choices=VotingRuleBasis.choices)
    numerator = models.PositiveSmallIntegerField()
    denominator = models.PositiveSmallIntegerField()
    strictly_more = models.BooleanField(
        default=True, help_text="True: more than the fraction; False: at least the fraction."
    )
    description = models.CharField(max_length=255)
    effective_from = models.DateField()

    class Meta:
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="voting_rule_unique_version"),
            models.CheckConstraint(condition=Q(kind__in=_choices(VotingRuleKind)), name="voting_rule_kind_valid"),
            models.CheckConstraint(condition=Q(basis__in=_choices(VotingRuleBasis)),
                                   name="voting_rule_basis_valid"),
            # A fraction of zero or above one makes a rule that is always or never met.
            models.CheckConstraint(
                condition=Q(denominator__gt=0) & Q(numerator__gt=0) & Q(numerator__lte=F("denominator")),
                name="voting_rule_fraction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} (v{self.version})"

    def is_met(self, count: int, basis: int) -> bool:
        """``count`` against ``basis`` with integer arithmetic (no rounding)."""
        if basis <= 0:
            return False
        if self.strictly_more:
            return count * self.denominator > self.numerator * basis
        return count * self.denominator >= self.numerator * basis

    def required(self, basis: int) -> int:
        """The smallest count that meets the rule for ``basis`` (shown in the minutes)."""
        n = 0
        while n <= basis and not self.is_met(n, basis):
            n += 1
        return n


class GoverningBody(models.Model):
    """The ACH's board (or commission) that decides awards in public."""

    ach = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                            related_name="governing_bodies")
    name = models.CharField(max_length=255)
    quorum_rule = models.ForeignKey(VotingRule, on_delete=models.PROTECT, related_name="+",
                                    limit_choices_to={"kind": "quorum"})
    passing_rule = models.ForeignKey(VotingRule, on_delete=models.PROTECT, related_name="+",
                                     limit_choices_to={"kind": "passing"})

    class Meta:
        ordering = ["ach", "name"]
        verbose_name_plural = "governing bodies"
        constraints = [
            models.UniqueConstraint(fields=["ach", "name"], name="governing_body_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A person seated on a governing body from ``seated_on`` until ``left_on`` (inclusive)."""

    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="seats")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seats")
    title = models.CharField(max_length=120, blank=True)
    is_chair = models.BooleanField(default=False)
    is_voting = models.BooleanField(default=True)
    seated_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["body", "-is_chair", "member__last_name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("seated_on")),
                                   name="seat_left_after_seated"),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.body}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_SESSION = "in_session", "In session"
    ADJOURNED = "adjourned", "Adjourned"
    CERTIFIED = "certified", "Minutes certified"


class Meeting(models.Model):
    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=255)
    scheduled_at = models.DateTimeField()
    location = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    adjourned_at = models.DateTimeField(null=True, blank=True)
    minutes_notes = models.TextField(blank=True, help_text="Narrative of the minutes (public comment, discussion).")
    certified_at = models.DateTimeField(null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-scheduled_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(MeetingStatus)), name="meeting_status_valid"),
            # Certified minutes name who certified them and when; nothing else is certified.
            models.CheckConstraint(
                condition=(Q(status="certified") & Q(certified_at__isnull=False) & Q(certified_by__isnull=False))
                | (~Q(status="certified") & Q(certified_at__isnull=True)),
                name="meeting_certification_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.scheduled_at:%Y-%m-%d})"


class Attendance(models.Model):
    """A seated member present at a meeting (absent members have no row)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} present at {self.meeting}"


class AgendaItemKind(models.TextChoices):
    APPLICATION = "application", "One application"
    SLATE = "slate", "A slate of applications"


class VoteStatus(models.TextChoices):
    PENDING = "pending", "Not yet voted"
    OPEN = "open", "Vote open"
    CLOSED = "closed", "Vote closed"


class VoteOutcome(models.TextChoices):
    NONE = "", "Not decided"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"


class AgendaItem(models.Model):
    """A motion to approve one application or a slate, at the amounts listed on its entries."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=AgendaItemKind.choices)
    title = models.CharField(max_length=255)
    motion = models.TextField(blank=True)
    mover = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    vote_status = models.CharField(max_length=8, choices=VoteStatus.choices, default=VoteStatus.PENDING)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=VoteOutcome.choices, blank=True)
    # Figures frozen at the close, as the minutes state them.
    seated_count = models.PositiveSmallIntegerField(null=True, blank=True)
    present_count = models.PositiveSmallIntegerField(null=True, blank=True)
    recused_count = models.PositiveSmallIntegerField(null=True, blank=True)
    quorum_required = models.PositiveSmallIntegerField(null=True, blank=True)
    yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    no_count = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain_count = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_unique_number"),
            models.CheckConstraint(condition=Q(kind__in=_choices(AgendaItemKind)), name="agenda_item_kind_valid"),
            models.CheckConstraint(condition=Q(vote_status__in=_choices(VoteStatus)),
                                   name="agenda_item_vote_status_valid"),
            # An outcome exists exactly when the vote is closed.
            models.CheckConstraint(
                condition=(Q(vote_status="closed") & Q(outcome__in=["passed", "failed"]))
                | (~Q(vote_status="closed") & Q(outcome="")),
                name="agenda_item_outcome_when_closed",
            ),
            # A motion is moved and seconded by two different people.
            models.CheckConstraint(
                condition=Q(mover__isnull=True) | Q(seconder__isnull=True) | ~Q(mover=F("seconder")),
                name="agenda_item_mover_not_seconder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class AgendaEntry(models.Model):
    """One application on an agenda item, with the amount the motion would approve."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="agenda_entries")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    class Meta:
        ordering = ["item", "id"]
        verbose_name_plural = "agenda entries"
        constraints = [
            models.UniqueConstraint(fields=["item", "application"], name="agenda_entry_unique_application"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="agenda_entry_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application} for {self.amount}"


class Recusal(models.Model):
    """A member who takes no part in an item: automatic (affiliation) or self-declared."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField(default=False)
    reason = models.CharField(max_length=500)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="recusal_unique_member"),
            # The minutes must say why a member stepped aside.
            models.CheckConstraint(condition=~Q(reason=""), name="recusal_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.member} recused from item {self.item_id}"


class BallotChoice(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    ABSTAIN = "abstain", "Abstain"


class Ballot(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="ballots")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=BallotChoice.choices)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="ballot_one_per_member"),
            models.CheckConstraint(condition=Q(choice__in=_choices(BallotChoice)), name="ballot_choice_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Decision(models.Model):
    """The board's decision on one application, produced when the vote on its item closes."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=8, choices=DecisionOutcome.choices)
    approved_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD",
                                 null=True, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=_choices(DecisionOutcome)),
                                   name="decision_outcome_valid"),
            # An approval names a positive amount; a decline names none.
            models.CheckConstraint(
                condition=(Q(outcome="approved") & Q(approved_amount__gt=0))
                | (Q(outcome="declined") & Q(approved_amount__isnull=True)),
                name="decision_amount_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.outcome}"


# --------------------------------------------------------------------------- awards


class AwardStatus(models.TextChoices):
    OFFERED = "offered", "Offered (awaiting acceptance)"
    ACCEPTED = "accepted", "Accepted"
    CANCELLED = "cancelled", "Cancelled"
    CLOSED = "closed", "Closed out"


class Award(models.Model):
    """Money committed to a grantee from an approved decision.

    ``commitment_reference`` ("grants.award:<id>") is the reference under which
    the fund's ledger holds the commitment (``wellness_fund.commitments``);
    disbursements and returns post against it too.
    """

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award")
    grantee = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                related_name="grant_awards")
    fund = models.ForeignKey("wellness_fund.WellnessFund", on_delete=models.PROTECT, related_name="awards")
    restriction = models.ForeignKey("wellness_fund.Restriction", on_delete=models.PROTECT,
                                    related_name="awards")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    period_start = models.DateField()
    period_end = models.DateField()
    conditions = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=AwardStatus.choices, default=AwardStatus.OFFERED)
    commitment_reference = models.CharField(max_length=64, unique=True)
    committed_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_name = models.CharField(max_length=255, blank=True)
    accepted_title = models.CharField(max_length=255, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_choices(AwardStatus)), name="award_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="award_period_ordered"),
            # Acceptance is a signature: who, in what capacity, when.
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True)
                | (~Q(accepted_name="") & ~Q(accepted_title="") & Q(accepted_by__isnull=False)),
                name="award_acceptance_signed",
            ),
            # A closed award says when it was closed.
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="award_closed_has_time"),
        ]

    def __str__(self) -> str:
        return f"Award {self.pk} to {self.grantee}"


class TrancheBasis(models.TextChoices):
    PERCENT = "percent", "Percent of the award"
    FIXED = "fixed", "Fixed amount"


class TrancheStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    RELEASED = "released", "Released for payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "Progress report"
    FINAL = "final", "Final report"


class ReportStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"
    WAIVED = "waived", "Waived"


class ReportSchedule(models.Model):
    """A grantee report due under an award (generated from the opportunity's template)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.DUE)

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="report_schedule_unique_number"),
            models.CheckConstraint(condition=Q(kind__in=_choices(ReportKind)), name="report_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=_choices(ReportStatus)), name="report_status_valid"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"),
            # A report cannot be due before the period it describes has ended.
            models.CheckConstraint(condition=Q(due_on__gte=F("period_end")), name="report_due_after_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} due {self.due_on}"


class Tranche(models.Model):
    """One payment of an award; it may wait until a given report is accepted."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=8, choices=TrancheBasis.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                  help_text="Percent of the award (0-100], for percent tranches.")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    due_on = models.DateField()
    requires_report = models.ForeignKey(ReportSchedule, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="gated_tranches",
                                        help_text="Paid only once this report is accepted.")
    status = models.CharField(max_length=16, choices=TrancheStatus.choices, default=TrancheStatus.SCHEDULED)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="tranche_unique_number"),
            # Released and paid tranches say when they were released.
            models.CheckConstraint(condition=~Q(status__in=["released", "paid"]) | Q(released_at__isnull=False),
                                   name="tranche_release_recorded"),
            models.CheckConstraint(condition=Q(basis__in=_choices(TrancheBasis)), name="tranche_basis_valid"),
            models.CheckConstraint(condition=Q(status__in=_choices(TrancheStatus)), name="tranche_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            # A percent tranche carries its percent (0 < p <= 100); a fixed one carries none.
            models.CheckConstraint(
                condition=(Q(basis="percent") & Q(percent__gt=0) & Q(percent__lte=100))
                | (Q(basis="fixed") & Q(percent__isnull=True)),
                name="tranche_percent_matches_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Tranche {self.number} of award {self.award_id}"


# --------------------------------------------------------------------------- after the award
#
# Disbursements, grantee reports, reminders, amendments and close-out
# (``grants.services.disbursements`` / ``reports`` / ``reminders`` / ``amendments`` /
# ``closeout``; roll-ups in ``grants.selectors.rollups``).


class AwardBudgetLine(models.Model):
    """The approved budget of an award, line by line (copied from the application at award time).

    Expenditures are reported against these lines; only an amendment moves money between
    them, and the lines always add up to the award amount (checked by the services that
    write them, in the same transaction).
    """

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="budget_lines")
    number = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=24, choices=BudgetCategory.choices)
    description = models.CharField(max_length=255)
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="award_budget_line_unique_number"),
            models.CheckConstraint(condition=Q(category__in=_choices(BudgetCategory)),
                                   name="award_budget_line_category_valid"),
            # A reallocation may empty a line, never make it negative.
            models.CheckConstraint(condition=Q(amount__gte=0), name="award_budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.description}"


class Disbursement(models.Model):
    """The payment of one released tranche, posted to the fund's ledger (``transaction``)."""

    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="disbursement")
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="disbursements")
    paid_on = models.DateField()
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")
    payment_reference = models.CharField(max_length=120, help_text="Bank transfer or check number.")
    transaction = models.OneToOneField("wellness_fund.LedgerTransaction", on_delete=models.PROTECT,
                                       related_name="grant_disbursement")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            # A payment without a bank reference cannot be traced to the bank statement.
            models.CheckConstraint(condition=~Q(payment_reference=""), name="disbursement_reference_given"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} paid {self.paid_on} (tranche {self.tranche_id})"


class GranteeReport(models.Model):
    """What the grantee wrote for one scheduled report (the draft and the submitted version).

    ``total_served`` counts people once each; every demographic breakdown
    (``PeopleServed`` rows of one dimension) adds up to it on submission.
    """

    schedule = models.OneToOneField(ReportSchedule, on_delete=models.PROTECT, related_name="content")
    progress = models.TextField(blank=True, help_text="Progress toward the objectives.")
    successes = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    total_served = models.PositiveIntegerField(null=True, blank=True, help_text="People, each counted once.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["schedule"]
        constraints = [
            # A count of people is never negative (the field type cannot say so on every database).
            models.CheckConstraint(condition=Q(total_served__isnull=True) | Q(total_served__gte=0),
                                   name="grantee_report_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Report {self.schedule_id}"


class ReportExpenditure(models.Model):
    """Money spent in the report's period on one approved budget line (USD)."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="expenditures")
    budget_line = models.ForeignKey(AwardBudgetLine, on_delete=models.PROTECT, related_name="expenditures")
    amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD")

    class Meta:
        ordering = ["report", "budget_line__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="report_expenditure_unique_line"),
            # Refunds are amendments, not negative spending.
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_expenditure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on line {self.budget_line_id}"


class ReportMetric(models.Model):
    """One metric the template asks for: the target and what was achieved in the period."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="metrics")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=255)
    unit = models.CharField(max_length=32, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["report", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="report_metric_unique_code"),
            models.CheckConstraint(condition=Q(actual__isnull=True) | Q(actual__gte=0),
                                   name="report_metric_actual_not_negative"),
            models.CheckConstraint(condition=Q(target__isnull=True) | Q(target__gte=0),
                                   name="report_metric_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.actual} of {self.target}"


class Dimension(models.TextChoices):
    COUNTY = "county", "County"
    RACE_ETHNICITY = "race_ethnicity", "Race/ethnicity (self-reported)"
    LANGUAGE = "language", "Preferred language"
    AGE_BAND = "age_band", "Age band"
    GENDER_IDENTITY = "gender_identity", "Gender identity"


class PeopleServed(models.Model):
    """People served in one category of one demographic dimension (``not_reported`` is a category)."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="people")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    category = models.CharField(max_length=64)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "dimension", "category"]
        verbose_name_plural = "people served"
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension", "category"], name="people_served_unique_cell"),
            models.CheckConstraint(condition=Q(dimension__in=_choices(Dimension)), name="people_served_dimension_valid"),
            # People are counted, never subtracted.
            models.CheckConstraint(condition=Q(count__gte=0), name="people_served_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}/{self.category}: {self.count}"


class ReportEventKind(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for revision"
    ACCEPTED = "accepted", "Accepted"


class ReportEvent(models.Model):
    """The history of a report: each submission (with a frozen copy) and each review."""

    report = models.ForeignKey(GranteeReport, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=ReportEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    content = models.JSONField(default=dict, blank=True, help_text="The report as submitted (submissions only).")

    class Meta:
        ordering = ["report", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=_choices(ReportEventKind)), name="report_event_kind_valid"),
            # Asking for a revision without saying what to revise helps nobody.
            models.CheckConstraint(condition=~Q(kind="returned") | ~Q(comment=""),
                                   name="report_event_return_has_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class ReminderPolicy(models.Model):
    """When grantees are reminded of reports and when the administrator's digest goes out.

    Versioned rows: the newest version of the fund applies, else the newest default row
    (``fund`` empty, seeded by migration 0005). Offsets are in days: ``days_before_due``
    [14, 3] reminds 14 and 3 days before the due date; ``days_after_due`` [1, 7, 30]
    after it, while the report is not submitted. ``digest_weekday``: 0 = Monday.
    """

    fund = models.ForeignKey("wellness_fund.WellnessFund", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    version = models.PositiveSmallIntegerField(default=1)
    days_before_due = models.JSONField(default=list)
    days_after_due = models.JSONField(default=list)
    digest_weekday = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-version"]
        verbose_name_plural = "reminder policies"
        constraints = [
            models.UniqueConstraint(fields=["fund", "version"], name="reminder_policy_unique_version"),
            models.UniqueConstraint(fields=["version"], condition=Q(fund__isnull=True),
                                    name="reminder_policy_unique_default_version"),
            models.CheckConstraint(condition=Q(digest_weekday__lte=6), name="reminder_policy_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"Reminders {self.fund_id or 'default'} v{self.version}"


class AmendmentKind(models.TextChoices):
    REALLOCATION = "reallocation", "Budget reallocation between lines"
    EXTENSION = "extension", "No-cost extension of the period"
    AMOUNT = "amount", "Change of the award amount"


class Amendment(models.Model):
    """One change to an award's terms, with the terms before and after (the award's history)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=AmendmentKind.choices)
    reason = models.TextField()
    board_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="amendments",
                                   help_text="The passed board motion behind an increase.")
    amount_change = MoneyField(max_digits=16, decimal_places=2, default_currency="USD", default=0)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    effective_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="amendment_unique_number"),
            models.CheckConstraint(condition=Q(kind__in=_choices(AmendmentKind)), name="amendment_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_given"),
            # Only an amount change moves money; an increase needs the board's motion.
            models.CheckConstraint(condition=Q(kind="amount") | Q(amount_change=0),
                                   name="amendment_money_only_for_amount"),
            models.CheckConstraint(condition=~Q(kind="amount") | ~Q(amount_change=0),
                                   name="amendment_amount_changes"),
            models.CheckConstraint(condition=Q(amount_change__lte=0) | Q(board_item__isnull=False),
                                   name="amendment_increase_needs_board"),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} of award {self.award_id}"
