"""Regulator pages: filed reports of plans in the jurisdiction, downloads (PDF and data twin),
and verifying an uploaded PDF against the archive by its SHA-256."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from organizations.actors import SETUP, WORKER
from organizations.models import OrganizationKind, Role
from reporting import services
from reporting.models import ReportArtifact, ReportAttestation, ReportFiling
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting.factories import plan_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def regulator(state="CA"):
    org = OrganizationFactory(code=f"reg-{state.lower()}", kind=OrganizationKind.REGULATOR, jurisdiction=state)
    return member(Role.REGULATOR, org)


def filed_report(code="plan-reg", *, file=True):
    """A plan's attested final report (filed unless ``file=False``), through the services."""
    plan = plan_year(code=code, counties=1, credits=1, lock=True)
    officer = member(Role.PLAN_COMPLIANCE, plan)
    officer.first_name, officer.last_name, officer.title = "Ana", "Diaz", "Compliance Officer"
    officer.save()
    run = services.report_request(actor=SETUP, kind="community-reinvestment",
                                  params={"plan": plan.code, "year": 2024}, enqueue=False)
    draft = services.report_generate(actor=WORKER, run_id=run.pk)
    final = services.report_attest(actor=officer, artifact=draft, typed_name="Ana Diaz",
                                   typed_title="Compliance Officer").final
    if file:
        services.report_file(actor=officer, artifact=final)
    return final


def _pdf(client, artifact):
    return client.get(reverse("reporting:download", args=[artifact.pk, "pdf"])).content


def test_regulator_lists_filed_reports_of_its_jurisdiction_only(client):
    ca = filed_report("plan-ca")
    unfiled = filed_report("plan-ca-unfiled", file=False)
    client.force_login(regulator("CA"))
    response = client.get(reverse("reporting:filed"))
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["table"].page.object_list) == [ca]
    assert ca.report_id in html and ca.sha256 in html
    assert unfiled.report_id not in html


def test_regulator_of_another_state_sees_nothing_and_gets_404(client):
    ca = filed_report("plan-ca")
    client.force_login(regulator("NY"))
    assert client.get(reverse("reporting:filed")).context["table"].page.paginator.count == 0
    assert client.get(reverse("reporting:artifact", args=[ca.pk])).status_code == 404
    assert client.get(reverse("reporting:download", args=[ca.pk, "pdf"])).status_code == 404


def test_regulator_cannot_see_drafts_or_unfiled_finals(client):
    final = filed_report("plan-ca", file=False)
    draft = ReportArtifact.objects.get(organization=final.organization, is_final=False)
    client.force_login(regulator("CA"))
    for artifact in (draft, final):
        assert client.get(reverse("reporting:artifact", args=[artifact.pk])).status_code == 404


def test_wrong_role_gets_404_on_regulator_pages(client):
    plan = plan_year(code="plan-x", counties=1, credits=0)
    client.force_login(member(Role.PLAN_FINANCE, plan))
    assert client.get(reverse("reporting:filed")).status_code == 404


def test_regulator_downloads_pdf_and_data_twin(client):
    final = filed_report()
    client.force_login(regulator())
    page = client.get(reverse("reporting:artifact", args=[final.pk]))
    assert page.status_code == 200
    assert "Attest this version" not in page.content.decode()
    pdf = client.get(reverse("reporting:download", args=[final.pk, "pdf"]))
    twin = client.get(reverse("reporting:download", args=[final.pk, "json"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == final.sha256
    assert hashlib.sha256(twin.content).hexdigest() == final.twin_sha256


def _written(media):
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    return (ReportArtifact.objects.count(), ReportAttestation.objects.count(), ReportFiling.objects.count(),
            AuditEvent.objects.count(), files)


def test_regulator_cannot_attest_or_file(client, media):
    final = filed_report()
    draft = ReportAttestation.objects.get(final=final).draft
    reg = regulator()
    client.force_login(reg)
    before = _written(media)
    filing = client.post(reverse("reporting:artifact_file", args=[final.pk]))
    attest = client.post(reverse("reporting:artifact_attest", args=[draft.pk]),
                         {"typed_name": "Reg Ulator", "typed_title": "Examiner"})
    assert filing.status_code == 404 and attest.status_code == 404
    assert "Attested." not in attest.content.decode() and "Filed with" not in filing.content.decode()
    assert _written(media) == before
    assert ReportFiling.objects.get().filed_by != reg  # the officer's filing is untouched


def test_verify_names_the_matching_report_and_version(client):
    final = filed_report()
    client.force_login(regulator())
    content = _pdf(client, final)
    response = client.post(reverse("reporting:verify"),
                           {"file": SimpleUploadedFile("report.pdf", content, content_type="application/pdf")})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"]["artifact"] == final
    assert f"This file is {final.report_id}, version {final.version}" in html
    assert final.sha256 in html


def test_verify_says_a_changed_pdf_matches_none(client):
    final = filed_report()
    client.force_login(regulator())
    content = _pdf(client, final) + b"\n%tampered"
    response = client.post(reverse("reporting:verify"),
                           {"file": SimpleUploadedFile("report.pdf", content, content_type="application/pdf")})
    assert response.context["result"]["artifact"] is None
    assert "matches none of the archived reports" in response.content.decode()


def test_verify_does_not_reveal_reports_outside_the_jurisdiction(client):
    final = filed_report()
    with open(final.file.path, "rb") as fh:
        content = fh.read()
    client.force_login(regulator("NY"))
    response = client.post(reverse("reporting:verify"),
                           {"file": SimpleUploadedFile("report.pdf", content, content_type="application/pdf")})
    assert response.context["result"]["artifact"] is None


def test_verify_without_a_file_is_a_field_error(client):
    client.force_login(regulator())
    response = client.post(reverse("reporting:verify"), {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None


@pytest.mark.parametrize("plans", [1, 3])
def test_filed_list_query_count(client, django_assert_num_queries, plans):
    for i in range(plans):
        filed_report(f"plan-q{i}")
    client.force_login(regulator())
    url = reverse("reporting:filed")
    client.get(url)
    # session, user (with the audit link's permission and memberships), count, page rows (plan, filing
    # and attestations joined)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == plans
