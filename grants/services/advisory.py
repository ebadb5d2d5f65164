"""Advisory meetings where an award was discussed (the fund's administrators).

The meeting must be one of a body of the fund's ACH, already held (``community.services.
check_meeting_discussed``): a meeting of another organization, or one not yet held, is refused
with nothing written.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import record, record_create, snapshot
from community.models import AdvisoryMeeting
from community.services import check_meeting_discussed
from organizations import access
from organizations.actors import Actor

from ..models import Award, AwardMeeting


def award_meeting_link(*, actor: Actor, award: Award, meeting: AdvisoryMeeting) -> AwardMeeting:
    """Record that ``award`` was discussed at ``meeting``."""
    access.require(actor, "change", award)
    check_meeting_discussed(meeting, award.fund.ach)
    if AwardMeeting.objects.filter(award=award, meeting=meeting).exists():
        raise ValidationError({"meeting": _("The award is already linked to this meeting.")})
    try:
        with transaction.atomic():
            link = AwardMeeting.objects.create(award=award, meeting=meeting)
            record_create(actor=actor, action="grants.award_meeting.link", obj=link, organization=award.fund.ach)
    except IntegrityError as exc:  # the same link written concurrently
        raise ValidationError({"meeting": _("The award is already linked to this meeting.")}) from exc
    return link


def award_meeting_unlink(*, actor: Actor, link: AwardMeeting) -> None:
    award = link.award
    access.require(actor, "change", award)
    with transaction.atomic():
        record(actor=actor, action="grants.award_meeting.unlink", obj=link, before=snapshot(link),
               organization=award.fund.ach)
        link.delete()
