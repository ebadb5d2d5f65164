"""Advisory bodies and their meetings: the services' refusals, the staff pages and the public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from community import services
from community.models import AdvisoryBodyType, AdvisoryMeeting, MeetingAttendance, MeetingStatus
from organizations.access import AccessDenied
from organizations.actors import SETUP

from .conftest import make_cac

pytestmark = pytest.mark.django_db


def _past_meeting(body, days: int = 10):
    return services.advisory_meeting_schedule(
        actor=SETUP, body=body, meets_on=timezone.localdate() - dt.timedelta(days=days), agenda="1. Welcome",
        topics=["Reinvestment"])


def test_a_meeting_is_scheduled_then_recorded_as_held_with_notes_and_attendance(world):
    body = make_cac(world)
    meeting = _past_meeting(body)
    assert meeting.agenda_posted_at is not None and meeting.status == MeetingStatus.SCHEDULED
    members = list(body.members.all())
    held = services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="We discussed food.",
                                            attendees=members, public_attendees=3)
    assert held.status == MeetingStatus.HELD and held.notes_posted_at is not None
    assert MeetingAttendance.objects.filter(meeting=meeting).count() == 2
    event = AuditEvent.objects.filter(action="community.advisory_meeting.record").get()
    assert event.organization_id == world.plan.pk and event.after["attendees"] == sorted(m.pk for m in members)


def test_a_meeting_dated_in_the_future_cannot_be_marked_held(world):
    body = make_cac(world)
    meeting = services.advisory_meeting_schedule(actor=SETUP, body=body,
                                                 meets_on=timezone.localdate() + dt.timedelta(days=1))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="Too early",
                                         attendees=list(body.members.all()))
    assert "meets_on" in exc.value.message_dict
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == (MeetingStatus.SCHEDULED, "")
    assert not MeetingAttendance.objects.exists() and AuditEvent.objects.count() == events


def test_recording_twice_blank_notes_and_strangers_are_refused(world):
    body = make_cac(world)
    other_body = make_cac(world, code="cw-other-cac", organization=world.other_plan)
    meeting = _past_meeting(body)
    with pytest.raises(ValidationError):
        services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="   ")
    with pytest.raises(ValidationError) as exc:
        services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="Notes",
                                         attendees=list(other_body.members.all()))
    assert "attendees" in exc.value.message_dict
    assert AdvisoryMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="Notes")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="Again")
    assert "status" in exc.value.message_dict and AuditEvent.objects.count() == events


def test_member_joined_after_the_meeting_cannot_be_recorded_present(world):
    body = make_cac(world)
    meeting = _past_meeting(body, days=30)
    from community.models import Constituency

    late = services.advisory_member_add(actor=SETUP, body=body, name="Late", constituency=Constituency.objects.first(),
                                        joined_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.advisory_meeting_record(actor=world.compliance, meeting=meeting, notes="N", attendees=[late])


def test_staff_of_another_organization_may_not_write_to_the_body(world):
    body = make_cac(world)
    meeting = _past_meeting(body)
    for actor in (world.other_compliance, world.finance, world.regulator):
        with pytest.raises(AccessDenied):
            services.advisory_meeting_record(actor=actor, meeting=meeting, notes="Not mine")
    with pytest.raises(AccessDenied):
        services.advisory_body_create(actor=world.other_compliance, organization=world.plan,
                                      body_type=AdvisoryBodyType.objects.get(code="cac"), code="x-cac", name="X")
    assert AdvisoryMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_a_body_belongs_to_a_plan_or_an_ach_and_its_own_fund(world):
    cbo_type = AdvisoryBodyType.objects.get(code="resident-panel")
    from tests.organizations.factories import OrganizationFactory
    from tests.wellness_fund import factories as wf

    cbo = OrganizationFactory(code="cw-cbo", kind="cbo")
    with pytest.raises(ValidationError):
        services.advisory_body_create(actor=SETUP, organization=cbo, body_type=cbo_type, code="cbo-panel", name="P")
    with pytest.raises(ValidationError):
        services.advisory_body_create(actor=SETUP, organization=world.ach, body_type=cbo_type, code="ach-panel",
                                      name="P", fund=wf.fund(code="cw-someone-elses-fund"))
    body = services.advisory_body_create(actor=world.fund_admin, organization=world.ach, body_type=cbo_type,
                                         code="ach-panel", name="Residents", fund=world.fund)
    assert body.fund == world.fund


# --- pages -----------------------------------------------------------------------------------------


def test_notes_posted_on_another_organizations_body_are_404_and_write_nothing(world, client):
    body = make_cac(world, code="cw-other-cac", organization=world.other_plan)
    meeting = _past_meeting(body)
    client.force_login(world.compliance)
    events = AuditEvent.objects.count()
    for org in (world.plan.code, world.other_plan.code):
        url = reverse("community:manage_meeting", args=[org, body.code, meeting.pk])
        response = client.post(url, {"form": "record", "record-notes": "Sneaky", "record-public_attendees": "0"})
        assert response.status_code == 404
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == (MeetingStatus.SCHEDULED, "") and AuditEvent.objects.count() == events


def test_staff_record_a_meeting_with_a_notes_file_through_the_page(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = make_cac(world)
    meeting = _past_meeting(body)
    client.force_login(world.compliance)
    url = reverse("community:manage_meeting", args=[world.plan.code, body.code, meeting.pk])
    rosa = body.members.get(name="Rosa")
    response = client.post(url, {
        "form": "record", "record-notes": "Notes in writing.", "record-public_attendees": "4",
        "record-attendees": [str(rosa.pk)],
        "record-notes_file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes", content_type="application/pdf")})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.notes_file
    anonymous = client.__class__()
    download = anonymous.get(reverse("community:public_notes_file", args=[body.code, meeting.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 notes"


def test_future_meeting_through_the_page_shows_the_refusal(world, client):
    body = make_cac(world)
    meeting = services.advisory_meeting_schedule(actor=SETUP, body=body,
                                                 meets_on=timezone.localdate() + dt.timedelta(days=5))
    client.force_login(world.compliance)
    url = reverse("community:manage_meeting", args=[world.plan.code, body.code, meeting.pk])
    response = client.post(url, {"form": "record", "record-notes": "Early", "record-public_attendees": "0"})
    assert response.status_code == 400 and "future" in response.content.decode()
    assert AdvisoryMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_public_pages_show_meetings_agendas_and_notes_but_no_email(world, client):
    body = make_cac(world)
    meeting = _past_meeting(body)
    services.advisory_meeting_record(actor=SETUP, meeting=meeting, notes="Members asked for interpreters.",
                                     attendees=list(body.members.all()), public_attendees=2)
    page = client.get(reverse("community:public_body", args=[body.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert body.name in html and "Rosa" in html and "Hidden Person" not in html
    assert "@private.example" not in html
    detail = client.get(reverse("community:public_meeting", args=[body.code, meeting.pk])).content.decode()
    assert "Members asked for interpreters." in detail and "1. Welcome" in detail and "Reinvestment" in detail
    assert "@private.example" not in detail and "Hidden Person" not in detail
    assert client.get(reverse("community:public_bodies")).status_code == 200
    assert client.get(reverse("community:public_body", args=["no-such-body"])).status_code == 404
    other = make_cac(world, code="cw-other-cac", organization=world.other_plan)
    assert client.get(reverse("community:public_meeting", args=[other.code, meeting.pk])).status_code == 404


def test_staff_page_lists_members_with_email_only_to_the_bodys_staff(world, client):
    body = make_cac(world)
    client.force_login(world.compliance)
    page = client.get(reverse("community:manage_body", args=[world.plan.code, body.code]))
    assert page.status_code == 200 and "rosa@private.example" in page.content.decode()
    client.force_login(world.other_compliance)
    assert client.get(reverse("community:manage_body", args=[world.plan.code, body.code])).status_code == 404
    assert client.get(reverse("community:manage_body", args=[world.other_plan.code, body.code])).status_code == 404


def test_staff_create_a_body_schedule_and_add_a_member_through_the_pages(world, client):
    client.force_login(world.compliance)
    url = reverse("community:manage_bodies", args=[world.plan.code])
    cac = AdvisoryBodyType.objects.get(code="cac")
    response = client.post(url, {"body_type": cac.pk, "name": "New CAC", "code": "new-cac"})
    assert response.status_code == 302
    body_url = reverse("community:manage_body", args=[world.plan.code, "new-cac"])
    from community.models import Constituency

    response = client.post(body_url, {"form": "member", "member-name": "Ana", "member-email": "ana@x.example",
                                      "member-constituency": Constituency.objects.first().pk,
                                      "member-joined_on": "2025-02-01"})
    assert response.status_code == 302
    response = client.post(body_url, {"form": "meeting", "meeting-meets_on": "2026-12-01",
                                      "meeting-agenda": "1. Hello", "meeting-topics": "One\nTwo"})
    assert response.status_code == 302
    meeting = AdvisoryMeeting.objects.get(body__code="new-cac")
    assert [t.title for t in meeting.topics.all()] == ["One", "Two"]
    # A board member of an ACH sees no plan body; a second create with the same code is refused.
    response = client.post(url, {"body_type": cac.pk, "name": "Again", "code": "new-cac"})
    assert response.status_code == 400
