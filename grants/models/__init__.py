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


from ._common import (  # noqa: F401
    SocialDriverDomain,
    _choices,
)
from .advisory import AwardMeeting  # noqa: F401
from .applications import (  # noqa: F401
    Application,
    ApplicationStatus,
    Attachment,
    AttachmentType,
    BudgetCategory,
    BudgetLine,
    attachment_path,
)
from .awards import (  # noqa: F401
    Award,
    AwardStatus,
    ReportKind,
    ReportSchedule,
    ReportStatus,
    Tranche,
    TrancheBasis,
    TrancheStatus,
)
from .board import (  # noqa: F401
    AgendaEntry,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Ballot,
    BallotChoice,
    Decision,
    DecisionOutcome,
    GoverningBody,
    Meeting,
    MeetingStatus,
    Recusal,
    Seat,
    VoteOutcome,
    VoteStatus,
    VotingRule,
    VotingRuleBasis,
    VotingRuleKind,
)
from .opportunities import (  # noqa: F401
    EligibilityQuestion,
    FundingOpportunity,
    OpportunityStatus,
    ReportingTemplate,
    RubricCriterion,
)
from .postaward import (  # noqa: F401
    COUNTY_DIMENSION,
    Amendment,
    AmendmentKind,
    AwardBudgetLine,
    Disbursement,
    GranteeReport,
    PeopleServed,
    ReminderPolicy,
    ReportEvent,
    ReportEventKind,
    ReportExpenditure,
    ReportMetric,
)
from .priorities import GrantPriorityTag  # noqa: F401
from .review import (  # noqa: F401
    AssignmentStatus,
    ConflictSource,
    ReviewAssignment,
    Score,
)
