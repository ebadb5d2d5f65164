"""The words of each in-app notification kind, translated when read.

An ``InboxItem`` stores its ``kind`` and the ``params`` the message needs; ``render`` puts them
into the message in the reader's active language, so a notification written while a fund
administrator works in English reads in Spanish for a CBO's staff who chose Spanish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import InboxKind

#: kind -> (short title, message with ``%(name)s`` placeholders filled from the item's params).
MESSAGES: Mapping[str, tuple[Any, Any]] = {
    InboxKind.APPLICATION_SUBMITTED: (
        _("Application submitted"),
        _("%(applicant)s submitted the application “%(title)s” to the call “%(opportunity)s”."),
    ),
    InboxKind.REVIEW_ASSIGNED: (
        _("Assigned for review"),
        _("You were assigned to review the application “%(title)s” of %(applicant)s."),
    ),
    InboxKind.AWARD_MADE: (
        _("Award made"),
        _("An award of %(amount)s was made for “%(title)s”. Read its terms and accept it."),
    ),
    InboxKind.AWARD_ACCEPTED: (
        _("Award accepted"),
        _("%(grantee)s accepted the award of %(amount)s for “%(title)s”."),
    ),
    InboxKind.GRANTEE_REPORT_SUBMITTED: (
        _("Grantee report submitted"),
        _("%(grantee)s submitted report %(number)s for “%(title)s”; it is waiting for your review."),
    ),
    InboxKind.GRANTEE_REPORT_RETURNED: (
        _("Grantee report returned"),
        _("Report %(number)s for “%(title)s” was returned for revision."),
    ),
    InboxKind.GRANTEE_REPORT_ACCEPTED: (
        _("Grantee report accepted"),
        _("Report %(number)s for “%(title)s” was accepted."),
    ),
    InboxKind.COMPLIANCE_REPORT_FILED: (
        _("Compliance report filed"),
        _("%(organization)s filed %(report)s."),
    ),
    InboxKind.FILED_REPORT_DATA_CHANGED: (
        _("Filed report superseded by new data"),
        _("The data behind %(report)s, filed by %(organization)s, changed after it was filed. The filed "
          "report stays as filed; its figures no longer match the records until an amended version is "
          "attested and filed."),
    ),
}


class _Params(dict[str, str]):
    """The params of a message; a value missing from an old row shows as an ellipsis, not an error."""

    def __missing__(self, key: str) -> str:
        return "…"


def title(kind: str) -> str:
    entry = MESSAGES.get(kind)
    return str(entry[0]) if entry else kind


def render(kind: str, params: Mapping[str, Any]) -> str:
    """The message of ``kind`` with ``params``, in the active language."""
    entry = MESSAGES.get(kind)
    if entry is None:
        return kind
    return str(entry[1]) % _Params({str(k): str(v) for k, v in params.items()})
