"""Applications: drafts, submission rules, attachments, withdrawal and who sees what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from grants import selectors, services
from grants.models import Application, Attachment, BudgetLine, FundingOpportunity
from organizations.access import AccessDenied
from tests.grants import factories as gf

pytestmark = pytest.mark.django_db


def _state(app):
    app = Application.objects.get(pk=app.pk)
    return (app.status, app.submitted_at, BudgetLine.objects.filter(application=app).count(),
            Attachment.objects.filter(application=app).count(), AuditEvent.objects.count())


def test_draft_saves_incomplete_and_submit_reports_every_missing_field(w, opp):
    app = services.application_start(actor=w.staff[0], opportunity=opp, applicant=w.cbos[0],
                                     project_title="Half done")
    services.application_save_draft(actor=w.staff[0], application=app, contact_name="Ana")
    before = _state(app)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=w.staff[0], application=app)
    assert {"requested_amount", "budget_lines", "counties", "domains", "eligibility_answers"} <= set(exc.value.message_dict)
    assert _state(app) == before


def test_submit_refuses_budget_lines_that_do_not_add_up(w, opp):
    app = gf.draft(w, opp, budget_lines=[{"category": "personnel", "description": "Staff", "amount": "19999.99"}])
    before = _state(app)
    with pytest.raises(ValidationError, match=r"add up to \$19,999\.99, but the request is \$20,000\.00"):
        services.application_submit(actor=w.staff[0], application=app)
    assert _state(app) == before


@pytest.mark.parametrize("amount", ["4999.99", "50000.01"])
def test_submit_refuses_amount_outside_award_range(w, opp, amount):
    app = gf.draft(w, opp, amount=amount)
    before = _state(app)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=w.staff[0], application=app)
    assert "must be between $5,000.00 and $50,000.00" in exc.value.message_dict["requested_amount"][0]
    assert _state(app) == before


def test_submit_after_close_time_is_refused(w, opp):
    app = gf.draft(w, opp)
    FundingOpportunity.objects.filter(pk=opp.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    before = _state(app)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=w.staff[0], application=app)
    assert "submissions are refused" in exc.value.message_dict["opportunity"][0]
    assert _state(app) == before


def test_disqualifying_eligibility_answer_refuses_submission(w, opp):
    app = gf.draft(w, opp, eligibility_answers={"1": "no"})
    before = _state(app)
    with pytest.raises(ValidationError, match="ineligible"):
        services.application_submit(actor=w.staff[0], application=app)
    assert _state(app) == before


def test_county_outside_the_call_is_refused(w, opp):
    from tests.wellness_fund.factories import county

    app = gf.draft(w, opp, counties=[county("Riverside")])
    with pytest.raises(ValidationError, match="Outside the counties"):
        services.application_submit(actor=w.staff[0], application=app)
    assert Application.objects.get(pk=app.pk).status == "draft"


def test_submitted_application_is_locked(w, opp):
    app = gf.submitted(w, opp)
    before = _state(app)
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.application_save_draft(actor=w.staff[0], application=app, project_title="Changed")
    with pytest.raises(ValidationError, match="only be added to a draft"):
        services.application_attach(actor=w.staff[0], application=app, label="Budget", filename="b.pdf",
                                    content=gf.PDF)
    with pytest.raises(ValidationError, match="cannot become “Submitted”"):
        services.application_submit(actor=w.staff[0], application=app)
    assert _state(app) == before
    assert Application.objects.get(pk=app.pk).project_title == "Promotores de salud"


@pytest.mark.parametrize(("name", "content"), [
    ("letter.pdf", gf.PDF), ("photo.png", gf.PNG), ("photo.JPG", gf.JPEG),
    ("narrative.docx", gf.office("docx")), ("budget.xlsx", gf.office("xlsx")),
])
def test_accepted_attachment_types(w, opp, name, content):
    app = gf.draft(w, opp)
    att = services.application_attach(actor=w.staff[0], application=app, label="Doc", filename=name, content=content)
    assert att.size_bytes == len(content) and att.file.read() == content


@pytest.mark.parametrize(("name", "content", "message"), [
    ("letter.pdf", gf.PNG, "claims to be PDF but its content is PNG"),
    ("narrative.docx", gf.plain_zip(), "claims to be DOCX but its content is not an accepted type"),
    ("narrative.docx", gf.office("xlsx"), "claims to be DOCX but its content is XLSX"),
    ("budget.xlsx", b"PK\x03\x04 not really a zip", "claims to be XLSX"),
    ("script.exe", gf.PDF, "only PDF, DOCX, XLSX, PNG and JPEG"),
    ("empty.pdf", b"", "empty"),
])
def test_attachment_whose_content_is_not_its_claimed_type_is_refused(w, opp, name, content, message):
    app = gf.draft(w, opp)
    before = _state(app)
    with pytest.raises(ValidationError, match=message):
        services.application_attach(actor=w.staff[0], application=app, label="Doc", filename=name, content=content)
    assert _state(app) == before


def test_attachment_over_the_size_limit_is_refused(w):
    opp = gf.opportunity(w, attachment_max_bytes=64)
    app = gf.draft(w, opp)
    before = _state(app)
    with pytest.raises(ValidationError, match="the limit is 64 bytes"):
        services.application_attach(actor=w.staff[0], application=app, label="Big", filename="big.pdf",
                                    content=gf.PDF + b"0" * 64)
    assert _state(app) == before


def test_withdraw_before_decision_but_not_after(w, opp, recommended):
    services.application_withdraw(actor=w.staff[0], application=recommended[0], reason="Merged programs")
    assert Application.objects.get(pk=recommended[0].pk).status == "withdrawn"
    Application.objects.filter(pk=recommended[1].pk).update(status="approved")
    app = Application.objects.get(pk=recommended[1].pk)
    before = _state(app)
    with pytest.raises(ValidationError, match="cannot become “Withdrawn”"):
        services.application_withdraw(actor=w.staff[1], application=app)
    assert _state(app) == before


def test_cbo_sees_only_its_own_applications_and_cannot_edit_others(w, opp):
    mine, theirs = gf.draft(w, opp, 0), gf.draft(w, opp, 1)
    assert [a.pk for a in selectors.applications_visible(user=w.staff[0])] == [mine.pk]
    with pytest.raises(Http404):
        selectors.application_get(user=w.staff[0], pk=theirs.pk)
    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        services.application_save_draft(actor=w.staff[0], application=theirs, project_title="Hijack")
    with pytest.raises(AccessDenied):
        services.application_submit(actor=w.staff[0], application=theirs)
    stored = Application.objects.get(pk=theirs.pk)
    assert (stored.project_title, stored.status) == ("Promotores de salud", "draft")
    assert AuditEvent.objects.count() == events


def test_ach_sees_submitted_applications_but_not_drafts(w, opp):
    draft, sent = gf.draft(w, opp, 0), gf.submitted(w, opp, 1)
    seen = {a.pk for a in selectors.applications_visible(user=w.board[0])}
    assert sent.pk in seen and draft.pk not in seen
    other = gf.world(cbos=1, board=1)
    assert selectors.applications_visible(user=other.admin) == []


def test_open_opportunities_are_visible_to_every_cbo_drafts_only_to_the_ach(w):
    open_opp = gf.opportunity(w)
    draft_opp = gf.opportunity(w, open_=False)
    outsider = gf.world(cbos=1, board=0).staff[0]
    assert list(selectors.opportunities_visible(user=outsider)) == [open_opp]
    assert set(selectors.opportunities_visible(user=w.admin)) == {open_opp, draft_opp}
    other_ach_admin = gf.world(cbos=0, board=0).admin
    assert list(selectors.opportunities_visible(user=other_ach_admin)) == []


def test_only_cbo_staff_of_the_applicant_may_start(w, opp):
    count = Application.objects.count()
    with pytest.raises(AccessDenied):
        services.application_start(actor=w.staff[1], opportunity=opp, applicant=w.cbos[0])
    with pytest.raises(AccessDenied):
        services.application_start(actor=w.admin, opportunity=opp, applicant=w.cbos[0])
    assert Application.objects.count() == count


def test_float_money_is_refused_in_a_draft(w, opp):
    count = Application.objects.count()
    with pytest.raises(ValidationError, match="never a float"):
        gf.draft(w, opp, amount="20000.00", requested_amount=20000.0)
    assert Application.objects.count() == count
    assert Decimal("20000.00") == Decimal(gf.complete_fields()["requested_amount"])
