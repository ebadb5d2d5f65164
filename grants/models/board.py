"""The board: governing bodies, seats, voting rules, meetings, agenda items, recusals, ballots, decisions."""


from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from djmoney.models.fields import MoneyField

from organizations.dates import date_words

from ._common import _choices
from .applications import (
    Application,
)


class VotingRuleKind(models.TextChoices):
    QUORUM = "quorum", _("Quorum")
    PASSING = "passing", _("Passing")


class VotingRuleBasis(models.TextChoices):
    SEATED = "seated", _("Seated voting members")
    SEATED_NOT_RECUSED = "seated_not_recused", _("Seated voting members not recused from the item")
    VOTES_CAST = "votes_cast", _("Votes cast (yes + no; abstentions not counted)")
    PRESENT_NOT_RECUSED = "present_not_recused", _("Voting members present and not recused")


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
    SCHEDULED = "scheduled", _("Scheduled")
    IN_SESSION = "in_session", _("In session")
    ADJOURNED = "adjourned", _("Adjourned")
    CERTIFIED = "certified", _("Minutes certified")


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
        return f"{self.title} ({date_words(timezone.localtime(self.scheduled_at).date())})"


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
    APPLICATION = "application", _("One application")
    SLATE = "slate", _("A slate of applications")


class VoteStatus(models.TextChoices):
    PENDING = "pending", _("Not yet voted")
    OPEN = "open", _("Vote open")
    CLOSED = "closed", _("Vote closed")


class VoteOutcome(models.TextChoices):
    NONE = "", _("Not decided")
    PASSED = "passed", pgettext_lazy("vote outcome", "Passed")
    FAILED = "failed", pgettext_lazy("vote outcome", "Failed")


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

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

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
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


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
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    DECLINED = "declined", _("Declined")


class Decision(models.Model):
    """The board's decision on one application, produced when the vote on its item closes."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=8, choices=DecisionOutcome.choices)
    approved_amount = MoneyField(max_digits=16, decimal_places=2, default_currency="USD",
                                 null=True, blank=True)
    decided_at = models.DateTimeField()

    # djmoney swaps the default manager's class at runtime; declared so it stays typed.
    objects: ClassVar[models.Manager[Self]]
    _default_manager: ClassVar[models.Manager[Self]]

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


