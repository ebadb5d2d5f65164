"""Advisory meetings (``community.AdvisoryMeeting``) where an award was discussed.

A held meeting of a body of the fund's ACH (``grants.services.advisory``). The public meeting
page names the grantee and the amount; the plan's compliance report lists the award under the
meeting.
"""

from __future__ import annotations

from django.db import models


class AwardMeeting(models.Model):
    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="advisory_meetings")
    meeting = models.ForeignKey("community.AdvisoryMeeting", on_delete=models.PROTECT, related_name="award_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "meeting"], name="award_meeting_unique")]

    def __str__(self) -> str:
        return f"award {self.award_id} discussed at meeting {self.meeting_id}"
