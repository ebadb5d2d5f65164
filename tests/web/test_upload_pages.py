"""Uploads in the pages: a CBO attaches files to its draft application, a plan uploads the audited
statement of a year. The pages call the same services as the API (type from the content, size limit);
each refusal shows beside its field with nothing stored (rows, audit events); another organization's
record is 404; a form sent twice stores once; the files are linked from the pages where they belong."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from grants.models import Attachment
from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import services as rs
from tests.grants import factories as gf
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, financial_year
from tests.web import grants_world as gw

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00 a Windows program"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored():
    return Attachment.objects.count(), AuditEvent.objects.count()


def _attach(client, app, *, label="Budget narrative", name="budget.pdf", content=gf.PDF, token=None):
    url = reverse("grants:application_attach", args=[app.pk])
    if token is None:
        token = gw.token(client.get(reverse("grants:application_edit", args=[app.pk])))
    data = {"attachment-form_token": token, "attachment-label": label}
    if name is not None:
        data["attachment-file"] = SimpleUploadedFile(name, content)
    return client.post(url, data)


# --------------------------------------------------------------------------- application attachments


def test_cbo_attaches_a_file_to_its_draft_and_finds_it_on_its_pages(client, w, opp):
    app = gf.draft(w, opp, 0)
    client.force_login(w.staff[0])
    response = _attach(client, app)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:application_edit", args=[app.pk]) + "#attachments"
    attachment = Attachment.objects.get(application=app)
    assert (attachment.label, attachment.file_type, attachment.size_bytes) == ("Budget narrative", "pdf", len(gf.PDF))
    assert AuditEvent.objects.filter(action="grants.application.attach", actor=w.staff[0]).count() == 1
    download = reverse("grants:attachment_download", args=[app.pk, attachment.pk])
    for page in ("grants:application_edit", "grants:application_detail"):
        body = client.get(reverse(page, args=[app.pk])).content.decode()
        assert download in body and "Download budget.pdf" in body, page
    file = client.get(download)
    assert file.status_code == 200 and file["Content-Disposition"].startswith("attachment;")
    assert b"".join(file.streaming_content) == gf.PDF


@pytest.mark.parametrize(("field", "changes", "message"), [
    ("label", {"label": ""}, "This field is required."),
    ("label", {"label": "x" * 256}, "at most 255 characters"),
    ("file", {"name": None}, "This field is required."),
    ("file", {"content": b""}, "The submitted file is empty."),
    ("file", {"content": EXE}, "claims to be PDF but its content is not an accepted type"),  # .exe renamed .pdf
    ("file", {"name": "setup.exe", "content": EXE}, "only PDF, DOCX, XLSX, PNG and JPEG"),
    ("file", {"name": "photo.pdf", "content": gf.PNG}, "claims to be PDF but its content is PNG"),
    ("file", {"content": gf.PDF + b"0" * 64}, "the limit is 64 bytes"),
])
def test_bad_attachment_is_refused_beside_its_field_and_nothing_is_stored(client, w, field, changes, message):
    app = gf.draft(w, gf.opportunity(w, attachment_max_bytes=64), 0)
    client.force_login(w.staff[0])
    before = _stored()
    response = _attach(client, app, **changes)
    assert response.status_code == 400
    errors = response.context["attachment_form"].errors
    assert any(message in e for e in errors[field]), errors
    assert _stored() == before
    assert "error-summary" in response.content.decode()


def test_double_submitted_attachment_is_stored_once(client, w, opp):
    app = gf.draft(w, opp, 0)
    client.force_login(w.staff[0])
    token = gw.token(client.get(reverse("grants:application_edit", args=[app.pk])))
    first = _attach(client, app, token=token)
    second = _attach(client, app, token=token)
    assert first.status_code == second.status_code == 302
    assert Attachment.objects.filter(application=app).count() == 1


def test_attaching_to_a_submitted_application_is_refused_with_the_reason(client, w, opp):
    app = gf.submitted(w, opp, 0)
    client.force_login(w.staff[0])
    page = client.get(reverse("grants:application_detail", args=[app.pk])).content.decode()
    assert "Files can be attached only while the application is a draft." in page
    assert reverse("grants:application_attach", args=[app.pk]) not in page  # no form to send
    before = _stored()
    response = _attach(client, app, token="t" * 32)
    assert response.status_code == 400
    assert "Attachments can only be added to a draft." in response.content.decode()
    assert _stored() == before


def test_another_organizations_application_is_404_and_nothing_is_stored(client, w, opp):
    app = gf.draft(w, opp, 1)
    client.force_login(w.staff[0])
    before = _stored()
    assert _attach(client, app, token="t" * 32).status_code == 404
    client.force_login(w.admin)  # the fund's administrator reads submitted applications, never attaches
    assert _attach(client, app, token="t" * 32).status_code == 404
    assert _stored() == before


def test_fund_admin_downloads_the_attachments_of_a_submitted_application(client, w, opp):
    from grants import services

    app = gf.draft(w, opp, 0)
    attachment = services.application_attach(actor=w.staff[0], application=app, label="Letter of support",
                                             filename="support.pdf", content=gf.PDF)
    services.application_submit(actor=w.staff[0], application=app)
    client.force_login(w.admin)
    body = client.get(reverse("grants:application_detail", args=[app.pk])).content.decode()
    download = reverse("grants:attachment_download", args=[app.pk, attachment.pk])
    assert "Letter of support" in body and download in body
    assert client.get(download).status_code == 200


def test_refusal_speaks_spanish(client, w, opp):
    app = gf.draft(w, opp, 0)
    client.force_login(w.staff[0])
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    response = _attach(client, app, content=EXE)
    assert response.status_code == 400
    body = response.content.decode()
    assert "dice ser PDF, pero su contenido es de un tipo no aceptado" in body
    assert "Adjuntar un archivo" in body and "Qué es el archivo" in body


# --------------------------------------------------------------------------- the audited statement


@pytest.fixture
def plan():
    return PlanFactory(code="plan-upl")


@pytest.fixture
def finance(plan):
    return member(Role.PLAN_FINANCE, plan)


def _statement(client, plan, year, name="audit.pdf", content=b"%PDF-1.7 audited", token=None):
    if token is None:
        page = client.get(reverse("reinvestment:year_detail", args=[plan.code, year.pk]))
        token = page.context["document_form"].initial["form_token"]
    data = {"form_token": token}
    if name is not None:
        data["source_document"] = SimpleUploadedFile(name, content)
    return client.post(reverse("reinvestment:year_document", args=[plan.code, year.pk]), data)


def _year_state(year):
    year.refresh_from_db()
    return year.source_document.name or "", AuditEvent.objects.count()


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": None}, "This field is required."),
    ({"content": b""}, "The submitted file is empty."),
    ({"content": EXE}, "must be a PDF file"),  # .exe renamed .pdf
    ({"name": "statement.html", "content": b"<html><script>alert(1)</script></html>"}, "must be a PDF file"),
    ({"content": b"%PDF-" + b"0" * 2048}, "the limit is 1"),
])
def test_bad_statement_is_refused_beside_the_field_and_nothing_is_written(client, settings, plan, finance,
                                                                            changes, message):
    settings.STATEMENT_MAX_BYTES = 1024
    year = financial_year(plan)
    client.force_login(finance)
    before = _year_state(year)
    response = _statement(client, plan, year, **changes)
    assert response.status_code == 400
    errors = response.context["document_form"].errors["source_document"]
    assert any(message in e for e in errors), errors
    assert _year_state(year) == before


def test_statement_uploaded_once_when_sent_twice_and_previewed_in_the_browser(client, plan, finance):
    year = financial_year(plan)
    client.force_login(finance)
    page = client.get(reverse("reinvestment:year_detail", args=[plan.code, year.pk]))
    token = page.context["document_form"].initial["form_token"]
    assert _statement(client, plan, year, token=token).status_code == 302
    assert _statement(client, plan, year, token=token).status_code == 302
    assert AuditEvent.objects.filter(action="reinvestment.financial_year.update").count() == 1
    body = client.get(reverse("reinvestment:year_detail", args=[plan.code, year.pk])).content.decode()
    preview = reverse("reinvestment:year_statement_preview", args=[plan.code, year.pk])
    assert preview in body and reverse("reinvestment:year_statement", args=[plan.code, year.pk]) in body
    response = client.get(preview)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_plans_statement_upload_is_404(client, plan, finance):
    other = PlanFactory(code="plan-other-upl")
    year = financial_year(other)
    client.force_login(finance)
    before = _year_state(year)
    assert _statement(client, other, year, token="t" * 32).status_code == 404
    assert _statement(client, plan, year, token="t" * 32).status_code == 404
    assert client.get(reverse("reinvestment:year_statement_preview", args=[other.code, year.pk])).status_code == 404
    assert _year_state(year) == before


def test_locked_year_offers_no_upload_and_refuses_one_with_the_reason(client, plan, finance):
    year = financial_year(plan)
    rs.financial_year_submit(actor=SETUP, financial_year=year)
    rs.financial_year_lock(actor=SETUP, financial_year=year)
    client.force_login(finance)
    page = client.get(reverse("reinvestment:year_detail", args=[plan.code, year.pk])).content.decode()
    assert reverse("reinvestment:year_document", args=[plan.code, year.pk]) not in page
    before = _year_state(year)
    response = _statement(client, plan, year, token="t" * 32)
    assert response.status_code == 400
    assert "only by amending the year" in response.content.decode()
    assert _year_state(year) == before
