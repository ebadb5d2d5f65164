"""Every write of the grants app, one function per action (re-exported from the modules below)."""

from .amendments import amendment_change_amount, amendment_extend, amendment_reallocate
from .applications import (
    application_attach,
    application_save_draft,
    application_start,
    application_submit,
    application_withdraw,
)
from .awards import award_accept, award_create, report_plan
from .board import (
    agenda_item_add,
    attendance_record,
    ballot_cast,
    governing_body_create,
    meeting_adjourn,
    meeting_schedule,
    meeting_start,
    minutes_certify,
    recusal_declare,
    seat_add,
    vote_close,
    vote_open,
)
from .closeout import award_closeout
from .disbursements import disbursement_record, tranche_release
from .opportunities import (
    opportunity_close,
    opportunity_create,
    opportunity_mark_decided,
    opportunity_open,
    opportunity_update,
)
from .reminders import digest_send, report_reminders_send
from .reports import report_accept, report_return, report_save_draft, report_submit
from .review import application_recommend, review_declare_conflict, review_submit, reviewer_assign

__all__ = [
    "agenda_item_add",
    "amendment_change_amount",
    "amendment_extend",
    "amendment_reallocate",
    "award_closeout",
    "digest_send",
    "disbursement_record",
    "report_accept",
    "report_reminders_send",
    "report_return",
    "report_save_draft",
    "report_submit",
    "tranche_release",
    "application_attach",
    "application_recommend",
    "application_save_draft",
    "application_start",
    "application_submit",
    "application_withdraw",
    "attendance_record",
    "award_accept",
    "award_create",
    "ballot_cast",
    "governing_body_create",
    "meeting_adjourn",
    "meeting_schedule",
    "meeting_start",
    "minutes_certify",
    "opportunity_close",
    "opportunity_create",
    "opportunity_mark_decided",
    "opportunity_open",
    "opportunity_update",
    "recusal_declare",
    "report_plan",
    "review_declare_conflict",
    "review_submit",
    "reviewer_assign",
    "seat_add",
    "vote_close",
    "vote_open",
]
