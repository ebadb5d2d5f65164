"""Organizations, people and their roles.

A person (``User``) belongs to organizations through ``Membership`` rows, each
with one role. What a user may see or do follows from those rows alone; the
rules live in ``organizations/access.py``.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. ``email`` is unique so password reset is unambiguous.

    ``password_changed_at`` is set whenever a new password is saved (change, reset, admin,
    ``changepassword``; not when Django merely re-hashes the same password): API tokens
    created before it stop working, and a sign-in lock on the username is lifted.
    """

    email = models.EmailField("email address", unique=True)
    title = models.CharField(max_length=120, blank=True, help_text="Job title, shown on attestations.")
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails this person receives; blank is English."),
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``set_password`` leaves the raw password in ``_password`` until the save; Django's
        # re-hash on sign-in clears it first, so only a new password is counted here.
        changed = getattr(self, "_password", None) is not None
        if changed:
            self.password_changed_at = timezone.now()
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "password_changed_at"}
        super().save(*args, **kwargs)
        if changed:
            from .lockout import password_changed

            password_changed(self.username)


class County(models.Model):
    """Reference data: a county (or equivalent) identified by its 5-digit FIPS code."""

    state = models.CharField(max_length=2, help_text="USPS state code, e.g. CA.")
    name = models.CharField(max_length=80)
    fips = models.CharField(
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{5}$", "A FIPS county code has 5 digits.")],
    )

    class Meta:
        ordering = ["state", "name"]
        verbose_name_plural = "counties"
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="county_unique_state_name"),
            models.CheckConstraint(
                condition=Q(fips__regex=r"^\d{5}$"), name="county_fips_five_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"


class OrganizationKind(models.TextChoices):
    PLAN = "plan", _("Health plan")
    ACH = "ach", _("Accountable Community for Health")
    CBO = "cbo", _("Community-based organization")
    REGULATOR = "regulator", _("Regulator")


slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lowercase letters, digits and single hyphens, e.g. demo-plan.",
)


class Organization(models.Model):
    code = models.CharField(
        max_length=50,
        unique=True,
        validators=[slug_validator],
        help_text="Short unique lowercase code used in URLs and on the command line.",
    )
    kind = models.CharField(max_length=16, choices=OrganizationKind.choices)
    legal_name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    ein = models.CharField(
        "EIN",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{2}-\d{7}$", "An EIN looks like 12-3456789.")],
    )
    identifiers = models.JSONField(
        default=dict, blank=True, help_text="Other identifiers, e.g. {\"NPI\": \"...\"}."
    )
    jurisdiction = models.CharField(
        max_length=8,
        blank=True,
        help_text="State code a plan is regulated in, or a regulator oversees (e.g. CA).",
    )
    counties_served = models.ManyToManyField(County, blank=True, related_name="organizations")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OrganizationKind]),
                name="organization_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="organization_code_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.legal_name

    @property
    def name(self) -> str:
        return str(self)


class Role(models.TextChoices):
    PLAN_FINANCE = "plan_finance", _("Plan finance")
    PLAN_COMPLIANCE = "plan_compliance", _("Plan compliance officer")
    FUND_ADMIN = "fund_admin", _("Fund administrator")
    BOARD_MEMBER = "board_member", _("Board member")
    BOARD_CHAIR = "board_chair", _("Board chair")
    CBO_STAFF = "cbo_staff", _("CBO staff")
    REGULATOR = "regulator", _("Regulator")


#: Which roles make sense in which kind of organization.
ROLES_BY_KIND: dict[str, set[str]] = {
    OrganizationKind.PLAN: {Role.PLAN_FINANCE, Role.PLAN_COMPLIANCE},
    OrganizationKind.ACH: {Role.FUND_ADMIN, Role.BOARD_MEMBER, Role.BOARD_CHAIR},
    OrganizationKind.CBO: {Role.CBO_STAFF},
    OrganizationKind.REGULATOR: {Role.REGULATOR},
}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization.code}"


class LoginThrottle(models.Model):
    """Failed sign-in attempts per normalized username (existing or not, so no enumeration)."""

    username = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} failed"


class AddressThrottle(models.Model):
    """Failed sign-in attempts from one client address in the current window
    (``LOGIN_ADDRESS_WINDOW_MINUTES`` from the first failure), whatever the usernames tried."""

    address = models.CharField(max_length=45, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.address}: {self.failures} failed"


class AffiliationKind(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    BOARD_MEMBER = "board_member", _("Board member")
    VOLUNTEER = "volunteer", _("Volunteer")
    FAMILY = "family", _("Family member of staff or board")
    OTHER = "other", _("Other")


class Affiliation(models.Model):
    """A person's tie to an organization, recorded for conflicts of interest.

    Unlike a ``Membership`` it grants no access: it only says that decisions
    about that organization (reviewing its grant application, voting on its
    award) are not the person's to make. An affiliation is in force on a day
    when ``since`` (if any) is on or before that day and ``until`` (if any) is
    on or after it.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    kind = models.CharField(max_length=16, choices=AffiliationKind.choices)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "organization__code", "kind"]
        constraints = [
            # Only the listed kinds mean something to the conflict-of-interest rules.
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AffiliationKind]),
                name="affiliation_kind_valid",
            ),
            # A period that ends before it starts would silently never be in force.
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="affiliation_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} of {self.organization.code}"
