"""A filed report whose data change afterwards is flagged to the plan and the regulator, never altered;
the plan then attests and files an amended version, which records the filing it amends."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import InboxItem, InboxKind
from organizations.access import AccessDenied
from organizations.actors import BEAT, SETUP
from organizations.models import County, Organization, OrganizationKind, Role
from reinvestment import services as reinvestment_services
from reporting.models import ReportArtifact, ReportAttestation, ReportDataChange, ReportFiling
from reporting.services import filings_check_data, report_file, report_request
from reporting.tasks import check_filed_data
from tests.organizations.factories import OrganizationFactory, member
from tests.reinvestment.factories import CBOFactory
from tests.reporting.factories import attest, community_reinvestment_data, plan_year

pytestmark = pytest.mark.django_db


def _draft(user, capture, plan="test-plan"):
    with capture(execute=True):
        run = report_request(actor=user, kind="community-reinvestment", params={"plan": plan, "year": 2024})
    run.refresh_from_db()
    return run.artifact


def _sha(artifact):
    artifact.refresh_from_db()
    with artifact.file.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture
def regulator(db):
    agency = OrganizationFactory(code="ca-dmhc", kind=OrganizationKind.REGULATOR, jurisdiction="CA")
    return member(Role.REGULATOR, agency)


@pytest.fixture
def filed(fake_cr, staff, year_locked, regulator, django_capture_on_commit_callbacks):
    draft = _draft(staff["finance"], django_capture_on_commit_callbacks)
    final = attest(staff["compliance"], draft).final
    return report_file(actor=staff["compliance"], artifact=final)


def test_unchanged_data_flags_nothing(fake_cr, filed):
    before = (ReportDataChange.objects.count(), InboxItem.objects.count(), AuditEvent.objects.count())
    assert filings_check_data(actor=BEAT) == []
    assert (ReportDataChange.objects.count(), InboxItem.objects.count(), AuditEvent.objects.count()) == before


def test_changed_data_flag_the_filing_once_and_tell_the_plan_and_the_regulator(
        fake_cr, filed, staff, regulator, client):
    filed_sha = _sha(filed.artifact)
    # given the figures behind the filed report changed after filing
    fake_cr.data = community_reinvestment_data(counties=4, investments=7)
    # when the hourly check runs
    assert check_filed_data() == 1
    # then the filing is flagged, with the audit trail and a notification to each party
    change = ReportDataChange.objects.get()
    assert change.filing == filed and change.inputs_hash != filed.artifact.inputs_hash
    assert AuditEvent.objects.filter(action="report.data_changed").count() == 1
    told = set(InboxItem.objects.filter(kind=InboxKind.FILED_REPORT_DATA_CHANGED)
               .values_list("recipient__username", flat=True))
    assert told == {staff["finance"].username, staff["compliance"].username, regulator.username}
    # and the filed report is not altered
    assert _sha(filed.artifact) == filed_sha == filed.artifact.sha256
    assert ReportArtifact.objects.filter(pk=filed.artifact.pk, inputs_hash=filed.artifact.inputs_hash).exists()
    # when it runs again on the same data, nothing more is written
    counts = (ReportDataChange.objects.count(), InboxItem.objects.count(), AuditEvent.objects.count())
    assert filings_check_data(actor=BEAT) == []
    assert (ReportDataChange.objects.count(), InboxItem.objects.count(), AuditEvent.objects.count()) == counts
    # and the regulator's page of the report says so in words
    client.force_login(regulator)
    page = client.get(reverse("reporting:artifact", args=[filed.artifact.pk])).content.decode()
    assert "Superseded by new data" in page and "stays exactly as filed" in page
    listing = client.get(reverse("reporting:filed")).content.decode()
    assert "Filed, superseded by new data" in listing
    home = client.get("/").content.decode()
    assert "was superseded by new data" in home


def test_a_second_change_of_the_data_is_flagged_again(fake_cr, filed):
    fake_cr.data = community_reinvestment_data(counties=4, investments=7)
    filings_check_data(actor=BEAT)
    fake_cr.data = community_reinvestment_data(counties=4, investments=8)
    assert len(filings_check_data(actor=BEAT)) == 1
    assert ReportDataChange.objects.filter(filing=filed).count() == 2


def test_the_amended_version_is_attested_and_filed_and_replaces_the_flagged_filing(
        fake_cr, filed, staff, regulator, client, django_capture_on_commit_callbacks):
    fake_cr.data = community_reinvestment_data(counties=4, investments=7)
    filings_check_data(actor=BEAT)
    # when the plan generates, attests and files the new data
    draft = _draft(staff["finance"], django_capture_on_commit_callbacks)
    assert draft.version == filed.artifact.version + 1
    amended = report_file(actor=staff["compliance"], artifact=attest(staff["compliance"], draft).final)
    # then the new filing amends the old one, which is no longer checked
    assert amended.amends == filed
    assert ReportAttestation.objects.count() == 2
    fake_cr.data = community_reinvestment_data(counties=4, investments=9)
    [change] = filings_check_data(actor=BEAT)
    assert change.filing == amended
    client.force_login(regulator)
    page = client.get(reverse("reporting:artifact", args=[filed.artifact.pk])).content.decode()
    assert "Amended by" in page and "Filed, replaced by an amended report" in page
    assert "Superseded by new data" not in page


def test_the_same_data_attested_again_or_an_older_version_filed_is_refused(
        fake_cr, filed, staff, django_capture_on_commit_callbacks):
    fake_cr.data = community_reinvestment_data(counties=4, investments=7)
    newer = attest(staff["compliance"], _draft(staff["finance"], django_capture_on_commit_callbacks)).final
    report_file(actor=staff["compliance"], artifact=newer)
    before = (ReportAttestation.objects.count(), ReportFiling.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="already attested"):
        attest(staff["compliance"], ReportArtifact.objects.get(pk=newer.attestation_of.draft_id))
    with pytest.raises(ValidationError, match="already filed"):
        report_file(actor=staff["compliance"], artifact=filed.artifact)
    assert (ReportAttestation.objects.count(), ReportFiling.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_beat_or_a_site_administrator_runs_the_check(fake_cr, filed, staff, regulator):
    fake_cr.data = community_reinvestment_data(counties=4, investments=7)
    before = (ReportDataChange.objects.count(), InboxItem.objects.count(), AuditEvent.objects.count())
    for person in (staff["compliance"], regulator):
        with pytest.raises(AccessDenied):
            filings_check_data(actor=person)
    assert (ReportDataChange.objects.count(), InboxItem.objects.count(), AuditEvent.objects.count()) == before


def test_a_direct_investment_credited_after_filing_supersedes_the_real_report(
        media, regulator, django_capture_on_commit_callbacks):
    # given a plan's real 2024 report, attested and filed on its locked year
    plan = plan_year(code="plan-real", lock=True)
    finance, compliance = member(Role.PLAN_FINANCE, plan), member(Role.PLAN_COMPLIANCE, plan)
    compliance.first_name, compliance.last_name, compliance.title = "Ana", "Soto", "Compliance Officer"
    compliance.save()
    draft = _draft(finance, django_capture_on_commit_callbacks, plan="plan-real")
    filing = report_file(actor=compliance, artifact=attest(compliance, draft).final)
    assert filings_check_data(actor=BEAT) == []
    # when another direct investment is credited to income year 2024
    county = County.objects.filter(state="CA").order_by("name").first()
    reinvestment_services.direct_investment_record(
        actor=SETUP, plan=Organization.objects.get(code="plan-real"), payee=CBOFactory.create(code="late-cbo"),
        purpose="Late program", county=county, domain="food", paid_on=dt.date(2026, 6, 1),
        amount=Decimal("2500.00"), cha_chip_aligned=False, cac_consulted=True, income_year=2024)
    # then the filing is flagged
    [change] = filings_check_data(actor=BEAT)
    assert change.filing == filing
