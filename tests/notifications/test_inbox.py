"""In-app notifications: each event writes one notification per person it concerns, in the
event's transaction; each person reads and marks only their own."""

import datetime as dt

import pytest
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from grants import services
from grants.models import Application
from notifications.messages import render
from notifications.models import InboxItem, InboxKind
from notifications.selectors import unread_count
from notifications.services import inbox_mark_all_read, inbox_notify, members
from notifications.views import inbox_badge
from organizations.actors import SETUP
from organizations.models import Membership, Role
from organizations.services import affiliation_record
from reporting.services import report_file
from tests.grants import factories as gf
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting.factories import attest

pytestmark = pytest.mark.django_db


def told(kind):
    """{recipient id: number of notifications of ``kind``}."""
    counts = {}
    for user_id in InboxItem.objects.filter(kind=kind).values_list("recipient_id", flat=True):
        counts[user_id] = counts.get(user_id, 0) + 1
    return counts


def ids(*users):
    return {u.pk: 1 for u in users}


def test_application_submitted_tells_each_fund_administrator_of_the_ach_once(w, elsewhere):
    opp = gf.opportunity(w)
    app = gf.draft(w, opp, 0)
    assert InboxItem.objects.count() == 0  # a draft tells nobody
    services.application_submit(actor=w.staff[0], application=app)
    assert told(InboxKind.APPLICATION_SUBMITTED) == ids(w.admin, w.extra["admin2"])
    item = InboxItem.objects.get(recipient=w.admin)
    assert item.link == reverse("grants:application_detail", args=[app.pk])
    assert item.organization == w.cbos[0] and item.read_at is None
    assert "Promotores de salud" in render(item.kind, item.params)
    assert AuditEvent.objects.filter(action="inbox.notify").count() == 2


def test_inactive_people_and_memberships_are_not_told(w):
    Membership.objects.filter(user=w.extra["admin2"]).update(is_active=False)
    gf.submitted(w, gf.opportunity(w), 0)
    assert told(InboxKind.APPLICATION_SUBMITTED) == ids(w.admin)


def test_an_event_rolled_back_leaves_no_notification(w):
    app = gf.draft(w, gf.opportunity(w), 0)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.application_submit(actor=w.staff[0], application=app)
        assert InboxItem.objects.count() == 2
        raise RuntimeError("the request failed after the service returned")
    assert InboxItem.objects.count() == 0
    assert Application.objects.get(pk=app.pk).status == "draft"


def test_review_assignment_tells_the_reviewer_but_not_an_excluded_one(w, elsewhere):
    opp = gf.opportunity(w)
    app = gf.submitted(w, opp, 0)
    reviewer, affiliated = w.board
    affiliation_record(actor=SETUP, user=affiliated, organization=w.cbos[0], kind="board_member")
    services.reviewer_assign(actor=w.admin, application=app, reviewer=reviewer)
    services.reviewer_assign(actor=w.admin, application=app, reviewer=affiliated)  # recorded as conflicted
    assert told(InboxKind.REVIEW_ASSIGNED) == ids(reviewer)
    assert InboxItem.objects.get(kind=InboxKind.REVIEW_ASSIGNED).link == reverse("grants:review", args=[app.pk])


def test_award_made_tells_the_grantees_staff_and_acceptance_tells_the_fund_administrators(w, elsewhere):
    award = gf.award(w, i=0, accept=False)
    assert told(InboxKind.AWARD_MADE) == ids(w.staff[0], w.extra["staff0b"])
    assert told(InboxKind.AWARD_ACCEPTED) == {}
    services.award_accept(actor=w.staff[0], award=award, name="María López", title="Director")
    assert told(InboxKind.AWARD_ACCEPTED) == ids(w.admin, w.extra["admin2"])
    item = InboxItem.objects.get(kind=InboxKind.AWARD_ACCEPTED, recipient=w.admin)
    assert item.link == reverse("grants:award_detail", args=[award.pk])
    assert "$20,000.00" in render(item.kind, item.params)
    assert w.staff[1].inbox_items.count() == 0
    assert elsewhere.admin.inbox_items.count() == 0 and elsewhere.staff[0].inbox_items.count() == 0


def test_grantee_reports_submitted_returned_and_accepted(w, elsewhere):
    award = gf.award(w, i=0)
    schedule = gf.submitted_report(w, award, 1)
    assert told(InboxKind.GRANTEE_REPORT_SUBMITTED) == ids(w.admin, w.extra["admin2"])
    services.report_return(actor=w.admin, schedule=schedule, comment="Add the county breakdown.")
    assert told(InboxKind.GRANTEE_REPORT_RETURNED) == ids(w.staff[0], w.extra["staff0b"])
    services.report_submit(actor=w.extra["staff0b"], schedule=schedule)
    assert told(InboxKind.GRANTEE_REPORT_SUBMITTED) == {w.admin.pk: 2, w.extra["admin2"].pk: 2}
    services.report_accept(actor=w.extra["admin2"], schedule=schedule)
    assert told(InboxKind.GRANTEE_REPORT_ACCEPTED) == ids(w.staff[0], w.extra["staff0b"])
    assert {i.link for i in InboxItem.objects.filter(kind__startswith="grantee_report.")} == {
        reverse("grants:report", args=[schedule.pk])}
    assert not InboxItem.objects.filter(recipient__in=[w.staff[1], elsewhere.admin, elsewhere.staff[0]]).exists()


def test_filing_tells_the_regulators_of_the_plans_state_only(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    from reporting.services import report_request

    regulators = [member(Role.REGULATOR, OrganizationFactory(code="reg-ca", kind="regulator", jurisdiction="CA"))
                  for _ in range(2)]
    nevada = member(Role.REGULATOR, OrganizationFactory(code="reg-nv", kind="regulator", jurisdiction="NV"))
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(actor=staff["finance"], kind="community-reinvestment",
                             params={"plan": "test-plan", "year": 2024})
    run.refresh_from_db()
    final = attest(staff["compliance"], run.artifact).final
    assert InboxItem.objects.count() == 0  # generated and attested: nobody is told yet
    report_file(actor=staff["compliance"], artifact=final)
    assert told(InboxKind.COMPLIANCE_REPORT_FILED) == ids(*regulators)
    assert nevada.inbox_items.count() == 0 and staff["finance"].inbox_items.count() == 0
    item = regulators[0].inbox_items.get()
    assert item.link == reverse("reporting:artifact", args=[final.pk])
    assert final.report_id in render(item.kind, item.params)


def test_notify_refuses_bad_input_and_writes_nothing(w):
    opp = gf.opportunity(w)
    everyone = members(w.ach, Role.FUND_ADMIN)
    for bad in ({"kind": "award.lost", "link": "/grants/"}, {"kind": InboxKind.AWARD_MADE, "link": "https://evil.example/"},
                {"kind": InboxKind.AWARD_MADE, "link": "//evil.example/"}):
        with pytest.raises(ValueError):
            inbox_notify(actor=SETUP, about=opp, recipients=everyone, **bad)
    with pytest.raises(ValueError):
        inbox_notify(actor=SETUP, kind=InboxKind.AWARD_MADE, about=opp, link="/", recipients=everyone,
                     params={"amount": 1.5})
    assert InboxItem.objects.count() == 0 and not AuditEvent.objects.filter(action="inbox.notify").exists()


def test_notify_skips_people_who_cannot_see_the_object_and_the_actor(w, elsewhere):
    opp = gf.opportunity(w)
    items = inbox_notify(actor=w.admin, kind=InboxKind.APPLICATION_SUBMITTED, about=opp, link="/grants/",
                         recipients=[w.admin, w.extra["admin2"], elsewhere.admin])
    assert [i.recipient for i in items] == [w.extra["admin2"]]


def test_messages_are_rendered_in_the_readers_language(w):
    gf.submitted(w, gf.opportunity(w), 0)
    item = InboxItem.objects.filter(recipient=w.admin).get()
    with translation.override("es"):
        spanish = render(item.kind, item.params)
    with translation.override("en"):
        english = render(item.kind, item.params)
    assert english.startswith(str(w.cbos[0])) and "submitted the application" in english
    assert "presentó la solicitud" in spanish and "Promotores de salud" in spanish
    assert render(item.kind, {}).count("…") == 3  # an old row missing a value still renders


# --------------------------------------------------------------------------- pages


@pytest.fixture
def inbox(w):
    """w.admin has three notifications (one read), admin2 has its own."""
    opp = gf.opportunity(w)
    for i in (0, 1):
        gf.submitted(w, opp, i)
    app = Application.objects.filter(applicant=w.cbos[0]).get()
    inbox_notify(actor=SETUP, kind=InboxKind.REVIEW_ASSIGNED, about=app, recipients=[w.admin],
                 link=reverse("grants:review", args=[app.pk]), params={"title": "Older", "applicant": "x"})
    InboxItem.objects.filter(kind=InboxKind.REVIEW_ASSIGNED).update(
        created_at=InboxItem.objects.order_by("created_at").first().created_at - dt.timedelta(days=1),
        read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return w


def test_inbox_lists_own_notifications_newest_first_with_the_unread_count(client, inbox):
    client.force_login(inbox.admin)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    rows = [r["item"] for r in page.context["rows"]]
    assert [r.recipient_id for r in rows] == [inbox.admin.pk] * 3
    assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)
    assert rows[-1].kind == InboxKind.REVIEW_ASSIGNED
    assert page.context["unread"] == 2
    html = page.content.decode()
    assert "2 unread notifications" in html and "Mark all read" in html
    assert f'hx-get="{reverse("notifications:badge")}"' in html  # the header fetches its badge
    badge = client.get(reverse("notifications:badge"))
    assert badge.status_code == 200 and 'class="usa-tag bg-secondary-dark">2<' in badge.content.decode()


def test_opening_marks_read_and_goes_to_the_page(client, inbox):
    item = InboxItem.objects.filter(recipient=inbox.admin, read_at__isnull=True).first()
    client.force_login(inbox.admin)
    response = client.get(reverse("notifications:open", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == item.link
    item.refresh_from_db()
    assert item.read_at is not None
    assert unread_count(user=inbox.admin) == 1
    events = AuditEvent.objects.filter(action="inbox.read")
    assert events.count() == 1
    client.get(reverse("notifications:open", args=[item.pk]))  # opening again changes nothing
    assert events.count() == 1


def test_another_persons_notification_is_not_found(client, inbox):
    theirs = InboxItem.objects.filter(recipient=inbox.extra["admin2"]).first()
    client.force_login(inbox.admin)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[987654321])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    page = client.get(reverse("notifications:inbox"))
    assert theirs.pk not in {r["item"].pk for r in page.context["rows"]}


def test_mark_all_read_marks_only_ones_own(client, inbox):
    client.force_login(inbox.admin)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert unread_count(user=inbox.admin) == 0
    assert unread_count(user=inbox.extra["admin2"]) == 2
    assert inbox_mark_all_read(actor=inbox.admin) == 0
    assert AuditEvent.objects.filter(action="inbox.read_all").count() == 1


def test_system_actors_have_no_inbox(inbox):
    from organizations.access import AccessDenied

    with pytest.raises(AccessDenied):
        inbox_mark_all_read(actor=SETUP)


def test_inbox_needs_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_header_badge_costs_one_query_and_pages_none(inbox, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = inbox.admin
    with django_assert_num_queries(0):
        html = Template('{% include "includes/header_tools.html" %}').render(
            Context({"request": request, "user": inbox.admin}))
    assert reverse("notifications:inbox") in html and reverse("search:results") in html
    with django_assert_num_queries(1):
        badge = inbox_badge(request)
    assert ">2<" in badge.content.decode()
    with django_assert_num_queries(1):
        assert unread_count(user=inbox.admin) == 2


def test_badge_for_a_visitor_is_empty(client):
    response = client.get(reverse("notifications:badge"))
    assert response.status_code == 204 and response.content == b""
