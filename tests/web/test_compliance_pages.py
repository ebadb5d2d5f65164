"""Plan compliance pages: reports waiting for attestation, requesting a report (progress polled
until done), preview, attest, file, and the version history with SHA-256 hashes."""

import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from organizations.actors import SETUP, WORKER
from organizations.models import Role
from reporting.models import ReportArtifact, ReportAttestation, ReportFiling, ReportRun
from tests.organizations.factories import member
from tests.reporting.factories import plan_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plan():
    return plan_year(code="plan-cmp", counties=2, credits=2)


@pytest.fixture
def attestable(plan):
    """The plan's income year locked, with its audited statement uploaded: its report can be attested."""
    from reinvestment.models import PlanFinancialYear
    from tests.reinvestment.factories import lock_year

    return lock_year(PlanFinancialYear.objects.get(plan=plan))


@pytest.fixture
def officer(plan):
    user = member(Role.PLAN_COMPLIANCE, plan)
    user.first_name, user.last_name, user.title = "Carla", "Reyes", "Chief Compliance Officer"
    user.save()
    return user


@pytest.fixture
def finance(plan):
    return member(Role.PLAN_FINANCE, plan)


def _request(client, plan, year=2024, capture=None):
    url = reverse("reporting:report_new", args=[plan.code])
    if capture is None:
        return client.post(url, {"year": str(year)})
    with capture(execute=True):
        return client.post(url, {"year": str(year)})


#: The officer's confirmation: their full name and title as on file.
TYPED = {"typed_name": "Carla Reyes", "typed_title": "Chief Compliance Officer"}


def _draft(client, plan, capture):
    response = _request(client, plan, capture=capture)
    run = ReportRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    return run, run.artifact


def test_request_runs_and_progress_reaches_done(client, plan, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    response = _request(client, plan, capture=django_capture_on_commit_callbacks)
    run = ReportRun.objects.get(organization=plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100

    page = client.get(response["Location"]).content.decode()
    status = client.get(reverse("reporting:run_status", args=[run.pk])).content.decode()
    assert "Done." in page and "Done." in status
    assert reverse("reporting:artifact", args=[run.artifact_id]) in status
    assert "hx-get" not in status  # polling stops when done


def test_queued_run_polls_its_status(client, plan, officer):
    client.force_login(officer)
    _request(client, plan)  # the worker has not started (nothing committed yet)
    run = ReportRun.objects.get(organization=plan)
    status = client.get(reverse("reporting:run_status", args=[run.pk])).content.decode()
    assert run.status == "queued"
    assert f'hx-get="{reverse("reporting:run_status", args=[run.pk])}"' in status
    assert 'hx-trigger="every 1s"' in status


def test_bad_year_shows_field_error_and_queues_nothing(client, plan, officer):
    client.force_login(officer)
    response = _request(client, plan, year=2019)
    assert response.status_code == 400
    assert "no financials for income year 2019" in " ".join(response.context["form"].errors["year"])
    assert ReportRun.objects.count() == 0


def test_not_a_number_year_is_a_field_error(client, plan, officer):
    client.force_login(officer)
    response = client.post(reverse("reporting:report_new", args=[plan.code]), {"year": "twenty"})
    assert response.status_code == 400
    assert response.context["form"].errors["year"]
    assert ReportRun.objects.count() == 0


def test_waiting_list_preview_attest_and_file(client, plan, officer, attestable,
                                              django_capture_on_commit_callbacks):
    client.force_login(officer)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)

    home = client.get(reverse("reporting:compliance", args=[plan.code]))
    assert list(home.context["waiting"]) == [draft]
    preview = client.get(reverse("reporting:download", args=[draft.pk, "pdf"]))
    assert preview.status_code == 200
    assert hashlib.sha256(preview.content).hexdigest() == draft.sha256

    attested = client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED)
    final = ReportArtifact.objects.get(organization=plan, is_final=True)
    assert attested.status_code == 302
    assert attested["Location"] == reverse("reporting:artifact", args=[final.pk])
    assert list(client.get(reverse("reporting:compliance", args=[plan.code])).context["waiting"]) == []

    filed = client.post(reverse("reporting:artifact_file", args=[final.pk]))
    assert filed.status_code == 302
    assert ReportFiling.objects.filter(artifact=final, filed_by=officer).exists()
    page = client.get(reverse("reporting:artifact", args=[final.pk])).content.decode()
    assert "Filed" in page and final.sha256 in page


def test_attesting_twice_is_refused_with_a_message(client, plan, officer, attestable,
                                                   django_capture_on_commit_callbacks):
    client.force_login(officer)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED)
    response = client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED)
    assert response.status_code == 400
    assert "already attested" in response.content.decode()
    assert ReportAttestation.objects.count() == 1
    assert ReportArtifact.objects.filter(is_final=True).count() == 1


def test_attesting_without_the_typed_confirmation_is_refused_on_the_page(
        client, plan, officer, attestable, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    page = client.get(reverse("reporting:artifact", args=[draft.pk])).content.decode()
    assert 'name="typed_name"' in page and 'name="typed_title"' in page
    response = client.post(reverse("reporting:artifact_attest", args=[draft.pk]),
                           {"typed_name": "Carla Reyes", "typed_title": "Officer"})
    assert response.status_code == 400
    assert "not the job title on file" in response.content.decode()
    assert ReportAttestation.objects.count() == 0 and not ReportArtifact.objects.filter(is_final=True).exists()


def test_filing_a_draft_is_refused(client, plan, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    response = client.post(reverse("reporting:artifact_file", args=[draft.pk]))
    assert response.status_code == 400
    assert "attest it before filing" in response.content.decode()
    assert ReportFiling.objects.count() == 0


def test_finance_may_request_but_not_attest(client, plan, finance, django_capture_on_commit_callbacks):
    client.force_login(finance)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    assert draft is not None
    assert client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED).status_code == 404
    assert ReportAttestation.objects.count() == 0


def test_another_plans_reports_are_404(client, plan, officer, django_capture_on_commit_callbacks):
    other = plan_year(code="plan-cmp-other", counties=1, credits=0)
    other_officer = member(Role.PLAN_COMPLIANCE, other)
    client.force_login(officer)
    run, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    client.force_login(other_officer)
    for url in (reverse("reporting:compliance", args=[plan.code]), reverse("reporting:history", args=[plan.code]),
                reverse("reporting:run", args=[run.pk]), reverse("reporting:run_status", args=[run.pk]),
                reverse("reporting:artifact", args=[draft.pk]),
                reverse("reporting:download", args=[draft.pk, "pdf"])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED).status_code == 404
    assert client.post(reverse("reporting:report_new", args=[plan.code]), {"year": "2024"}).status_code == 404
    assert ReportAttestation.objects.count() == 0
    assert ReportRun.objects.count() == 1


def test_cbo_user_gets_404_on_compliance_pages(client, plan):
    from tests.reinvestment.factories import CBOFactory

    client.force_login(member(Role.CBO_STAFF, CBOFactory()))
    assert client.get(reverse("reporting:compliance", args=[plan.code])).status_code == 404
    assert client.get(reverse("reporting:verify")).status_code == 404


def test_history_lists_versions_with_hashes(client, plan, officer, attestable, django_capture_on_commit_callbacks):
    client.force_login(officer)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED)
    response = client.get(reverse("reporting:history", args=[plan.code]))
    html = response.content.decode()
    assert response.context["table"].page.paginator.count == 2
    for artifact in ReportArtifact.objects.filter(organization=plan):
        assert artifact.sha256 in html
    only_final = client.get(reverse("reporting:history", args=[plan.code]) + "?state=final")
    assert only_final.context["table"].page.paginator.count == 1


@pytest.mark.parametrize("versions", [1, 3])
def test_history_query_count(client, plan, officer, django_assert_num_queries, versions):
    from reinvestment import services
    from reinvestment.models import PlanFinancialYear
    from reporting.services import report_generate, report_request

    year = PlanFinancialYear.objects.get(plan=plan)
    for i in range(versions):
        if i:  # new inputs give a new version
            services.financial_year_update(actor=SETUP, financial_year=year,
                                           net_income=year.net_income.amount - 1000 * i)
        report_generate(actor=WORKER, run_id=report_request(actor=SETUP, kind="community-reinvestment",
                                              params={"plan": plan.code, "year": 2024}, enqueue=False).pk)
    client.force_login(officer)
    url = reverse("reporting:history", args=[plan.code])
    client.get(url)
    # session, user (with the audit link's permission and the memberships, with their organizations: the plan),
    # count, page rows (filing and attestations joined)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == versions


@pytest.mark.parametrize("drafts", [1, 3])
def test_compliance_page_query_count(client, plan, officer, django_assert_num_queries, drafts):
    from reinvestment import services
    from reinvestment.models import PlanFinancialYear
    from reporting.services import report_generate, report_request

    year = PlanFinancialYear.objects.get(plan=plan)
    for i in range(drafts):
        if i:
            services.financial_year_update(actor=SETUP, financial_year=year,
                                           net_income=year.net_income.amount - 1000 * i)
        report_generate(actor=WORKER, run_id=report_request(actor=SETUP, kind="community-reinvestment",
                                              params={"plan": plan.code, "year": 2024}, enqueue=False).pk)
    client.force_login(officer)
    url = reverse("reporting:compliance", args=[plan.code])
    client.get(url)
    cache.clear()  # the lists are read, not taken from the cache
    # session, user (with the audit link's permission and the memberships, with their organizations: the plan);
    # the plan's figures and report stamps (1); the plan's obligations offered in the request form (1);
    # drafts waiting (1); recent runs (1)
    with django_assert_num_queries(6):
        response = client.get(url)
    # only the newest draft of the report waits (an older one no longer matches the data)
    assert [a.version for a in response.context["waiting"]] == [drafts]
    # again: the lists and the obligations come from the cache, kept under the stamps
    with django_assert_num_queries(3):
        again = client.get(url)
    assert [a.version for a in again.context["waiting"]] == [drafts]


def _age_sign_in(client, minutes):
    """Make the session's sign-in ``minutes`` old (what a long-open browser tab looks like)."""
    import time

    from organizations.reauth import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = time.time() - minutes * 60
    session.save()


def test_an_old_sign_in_must_give_the_password_again_to_attest(client, plan, officer, attestable, settings,
                                                              django_capture_on_commit_callbacks):
    from audit.models import AuditEvent

    settings.REAUTHENTICATE_AFTER_MINUTES = 15
    client.force_login(officer)
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    fresh = client.get(reverse("reporting:artifact", args=[draft.pk])).content.decode()
    assert 'name="password"' not in fresh  # signed in a moment ago

    _age_sign_in(client, 16)
    page = client.get(reverse("reporting:artifact", args=[draft.pk])).content.decode()
    assert 'name="password"' in page
    events = AuditEvent.objects.count()
    url = reverse("reporting:artifact_attest", args=[draft.pk])
    for password in ("", "wrong-password"):
        refused = client.post(url, TYPED | {"password": password})
        assert refused.status_code == 400
        assert "Enter your password to confirm that it is you attesting." in refused.content.decode()
        assert ReportAttestation.objects.count() == 0
        assert not ReportArtifact.objects.filter(is_final=True).exists()
        assert AuditEvent.objects.count() == events

    attested = client.post(url, TYPED | {"password": "pw-correct-horse"})
    assert attested.status_code == 302
    assert ReportAttestation.objects.count() == 1
    # The confirmation renews the sign-in time: the next page asks for nothing more.
    final = ReportArtifact.objects.get(is_final=True)
    assert 'name="password"' not in client.get(reverse("reporting:artifact", args=[final.pk])).content.decode()


def test_every_report_record_written_gives_a_new_stamp_and_the_page_never_lists_old_records(
        client, plan, officer, attestable, django_capture_on_commit_callbacks):
    """The page keeps its lists under the plan's report stamp, which the database replaces with each
    write to report versions, runs, attestations and filings, whoever writes."""
    from django.db import connection

    from reporting.models import ReportsStamp
    from tests.reinvestment.factories import PlanFactory
    from web import stamped

    other = PlanFactory(code="plan-cmp-other")
    ReportRun.objects.create(kind="community-reinvestment", organization=other, params={}, params_key="x")
    others = stamped.read(other.pk, ReportsStamp)

    def stamp():
        return stamped.read(plan.pk, ReportsStamp)[0]

    client.force_login(officer)
    url = reverse("reporting:compliance", args=[plan.code])
    assert list(client.get(url).context["waiting"]) == [] and stamp() == stamped.NOTHING_WRITTEN
    # a request and its generation: a run, then a draft version
    _, draft = _draft(client, plan, django_capture_on_commit_callbacks)
    seen = {stamp()}
    assert stamped.NOTHING_WRITTEN not in seen
    page = client.get(url)
    assert list(page.context["waiting"]) == [draft] and len(page.context["runs"]) == 1
    # a run changed straight in the database, past every service
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reporting_reportrun SET error = 'Stopped by the operator' WHERE organization_id = %s",
                       [plan.pk])
    assert stamp() not in seen
    seen.add(stamp())
    assert "Stopped by the operator" in client.get(url).content.decode()
    # the officer attests (an attestation and a final version), then files
    client.post(reverse("reporting:artifact_attest", args=[draft.pk]), TYPED)
    assert stamp() not in seen
    seen.add(stamp())
    assert list(client.get(url).context["waiting"]) == []
    final = ReportArtifact.objects.get(organization=plan, is_final=True)
    client.post(reverse("reporting:artifact_file", args=[final.pk]))
    assert ReportFiling.objects.filter(artifact=final).exists() and stamp() not in seen
    assert stamped.read(other.pk, ReportsStamp) == others
