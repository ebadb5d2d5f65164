"""Stored files are served only through views that check permission: no /media/ route in any
settings, statements checked by content and size and stored under random names, downloads with
Content-Disposition and nosniff, 404 (or sign-in) for everybody else."""

import importlib
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404

from audit.models import AuditEvent
from grants import services as grant_services
from organizations.actors import SETUP
from reinvestment import services
from tests.grants import factories as gf
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, financial_year

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% audited statement\n"


def _upload(year, name, content, actor=SETUP):
    return services.financial_year_update(actor=actor, financial_year=year,
                                          source_document=SimpleUploadedFile(name, content))


@pytest.mark.parametrize(("name", "content"), [
    ("statement.html", b"<html><script>alert(1)</script></html>"),
    ("statement.pdf", b"MZ\x90\x00\x03 renamed executable"),  # a Windows executable named .pdf
    ("statement.pdf", b"%PDF-" + b"0" * (12 * 1024 * 1024)),  # 12 MB
    ("statement.pdf", b""),
])
def test_a_statement_that_is_not_a_pdf_or_too_large_is_refused_and_nothing_is_written(name, content):
    year = financial_year(PlanFactory())
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        _upload(year, name, content)
    assert "source_document" in refused.value.message_dict
    year.refresh_from_db()
    assert not year.source_document
    assert AuditEvent.objects.count() == events


def test_size_limit_is_settings_data(settings):
    settings.STATEMENT_MAX_BYTES = 100
    year = financial_year(PlanFactory())
    with pytest.raises(ValidationError, match="limit is 100"):
        _upload(year, "s.pdf", PDF + b"x" * 100)


def test_statement_is_stored_under_a_random_name_and_a_replaced_one_is_kept():
    year = financial_year(PlanFactory())
    first = _upload(year, "Board Minutes <secret> 2024.pdf", PDF + b"v1").source_document.name
    second = _upload(year, "Board Minutes <secret> 2024.pdf", PDF + b"v2").source_document.name
    for name in (first, second):
        base = os.path.basename(name)
        assert "Board" not in base and len(base) == len("0123456789abcdef0123456789abcdef.pdf")
    assert first != second
    # the earlier version is still stored, and the audit trail names both
    assert default_storage.open(first).read() == PDF + b"v1"
    assert default_storage.open(second).read() == PDF + b"v2"
    update = AuditEvent.objects.filter(action="reinvestment.financial_year.update").order_by("pk").last()
    assert update.before["source_document"] == first and update.after["source_document"] == second


def test_no_url_serves_media_even_with_debug(settings):
    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL}reinvestment/financials/1/2024/x.pdf", urlconf=config.urls)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)


@pytest.fixture
def stored_year():
    plan = PlanFactory()
    year = _upload(financial_year(plan), "audited.pdf", PDF)
    return plan, year


def test_statement_download_checks_permission(client, stored_year):
    plan, year = stored_year
    url = reverse("reinvestment:year_statement", args=[plan.code, year.pk])
    # anonymous: sent to sign in, nothing served; the stored path itself answers 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(f"/media/{year.source_document.name}").status_code == 404
    # plan finance of another plan: 404, under its own plan's address too
    other = PlanFactory()
    client.force_login(member("plan_finance", other))
    assert client.get(url).status_code == 404
    assert client.get(reverse("reinvestment:year_statement", args=[other.code, year.pk])).status_code == 404
    # the plan's own staff get the file as a download
    client.force_login(member("plan_compliance", plan))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"audited-statement-{plan.code}-2024.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_year_without_statement_is_404(client):
    plan = PlanFactory()
    year = financial_year(plan)
    client.force_login(member("plan_finance", plan))
    assert client.get(reverse("reinvestment:year_statement", args=[plan.code, year.pk])).status_code == 404


def test_production_option_hands_the_file_to_the_proxy(client, settings, stored_year):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    plan, year = stored_year
    client.force_login(member("plan_finance", plan))
    response = client.get(reverse("reinvestment:year_statement", args=[plan.code, year.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{year.source_document.name}"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_application_attachment_download_checks_permission(client):
    w = gf.world(cbos=2, board=2)
    app = gf.draft(w, gf.opportunity(w), 0)
    attachment = grant_services.application_attach(actor=w.staff[0], application=app, label="Budget",
                                                   filename="budget.pdf", content=PDF)
    grant_services.application_submit(actor=w.staff[0], application=app)
    url = reverse("grants:attachment_download", args=[app.pk, attachment.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    client.force_login(w.staff[1])  # staff of another CBO
    assert client.get(url).status_code == 404
    # a reviewer with a conflict on the application is refused too
    grant_services.reviewer_assign(actor=w.admin, application=app, reviewer=w.board[0])
    assignment = app.assignments.get(reviewer=w.board[0])
    grant_services.review_declare_conflict(actor=w.board[0], assignment=assignment, reason="Family")
    client.force_login(w.board[0])
    assert client.get(url).status_code == 404
    for allowed in (w.staff[0], w.board[1]):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"] == 'attachment; filename="budget.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"

