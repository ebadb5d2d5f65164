"""Report runs (request, poll, download) and artifacts (attest, file), through the API."""

import hashlib

import pytest

from reporting.models import ReportArtifact, ReportAttestation, ReportFiling, ReportRun
from tests.api.factories import token_client
from tests.organizations.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db

PAYLOAD = {"kind": "community-reinvestment", "params": {"plan": "test-plan", "year": "2024"}}


def _generate(client, capture):
    with capture(execute=True):
        response = client.post("/api/report-runs/", PAYLOAD, format="json")
    assert response.status_code == 202, response.content
    return response


def test_request_poll_and_download(fake_cr, staff, django_capture_on_commit_callbacks):
    client = token_client(staff["finance"])
    requested = _generate(client, django_capture_on_commit_callbacks)
    assert requested.json()["status"] == "queued" and requested["Location"].endswith(f"/{requested.json()['id']}/")
    polled = client.get(f"/api/report-runs/{requested.json()['id']}/").json()
    assert polled["status"] == "done" and polled["progress"] == 100 and polled["artifact"]
    pdf = client.get(f"/api/report-artifacts/{polled['artifact']}/download/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == ReportArtifact.objects.get().sha256
    twin = client.get(f"/api/report-artifacts/{polled['artifact']}/download/?part=json")
    assert twin["Content-Type"] == "application/json"
    assert client.get(f"/api/report-artifacts/{polled['artifact']}/download/?part=exe").status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "horoscope", "params": {"plan": "test-plan", "year": "2024"}}, "kind"),
        ({"kind": "community-reinvestment", "params": {"plan": "test-plan"}}, "year"),
        ({"kind": "community-reinvestment", "params": {"plan": "test-plan", "year": "soon"}}, "year"),
        ({"kind": "community-reinvestment", "params": {"plan": "test-plan", "year": "2024"}, "x": 1}, "x"),
    ],
)
def test_bad_request_writes_nothing(fake_cr, staff, payload, field):
    response = token_client(staff["finance"]).post("/api/report-runs/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert ReportRun.objects.count() == 0


def test_other_organizations_runs_and_artifacts_are_404(fake_cr, staff, django_capture_on_commit_callbacks):
    run_id = _generate(token_client(staff["finance"]), django_capture_on_commit_callbacks).json()["id"]
    artifact = ReportArtifact.objects.get()
    other = token_client(member("plan_finance", OrganizationFactory(code="plan-x", kind="plan")))
    assert other.get(f"/api/report-runs/{run_id}/").status_code == 404
    assert other.get(f"/api/report-artifacts/{artifact.pk}/").status_code == 404
    assert other.get(f"/api/report-artifacts/{artifact.pk}/download/").status_code == 404
    refused = other.post("/api/report-runs/", PAYLOAD, format="json")
    assert refused.status_code == 404  # like a plan that does not exist (test_report_enumeration.py)
    assert ReportRun.objects.count() == 1


def test_attest_then_file_and_state_errors(fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    _generate(token_client(staff["finance"]), django_capture_on_commit_callbacks)
    draft = ReportArtifact.objects.get()
    officer = token_client(staff["compliance"])
    typed = {"typed_name": "Carlos Ramírez", "typed_title": "Chief Compliance Officer"}
    assert token_client(staff["finance"]).post(f"/api/report-artifacts/{draft.pk}/attest/").status_code == 403
    early = officer.post(f"/api/report-artifacts/{draft.pk}/file/")
    assert early.status_code == 400 and ReportFiling.objects.count() == 0
    untyped = officer.post(f"/api/report-artifacts/{draft.pk}/attest/")
    assert untyped.status_code == 400 and ReportAttestation.objects.count() == 0
    attested = officer.post(f"/api/report-artifacts/{draft.pk}/attest/", typed, format="json")
    assert attested.status_code == 201, attested.content
    final_id = attested.json()["final"]
    again = officer.post(f"/api/report-artifacts/{draft.pk}/attest/", typed, format="json")
    assert again.status_code == 400 and ReportAttestation.objects.count() == 1
    filed = officer.post(f"/api/report-artifacts/{final_id}/file/")
    assert filed.status_code == 201 and ReportFiling.objects.count() == 1


def test_request_is_idempotent(fake_cr, staff):
    client = token_client(staff["finance"])
    first = client.post("/api/report-runs/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    again = client.post("/api/report-runs/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert first.status_code == again.status_code == 202 and again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert ReportRun.objects.count() == 1
