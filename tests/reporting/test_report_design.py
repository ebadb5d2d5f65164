"""The Community Reinvestment Report as a reader gets it: a PDF that summarises, a twin with every
record, figures that agree with each other and with the database, and a PDF of bounded size."""

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.documents.community_reinvestment import SECTIONS
from reporting.kinds import KINDS
from reporting.pdf import flowables
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.reporting import pdf_text
from tests.reporting.benchdata import generate
from tests.reporting.factories import community_reinvestment_data as fixture_data

GENERATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
CRR = KINDS["community-reinvestment"]


def _render(data):
    return CRR.render(data, report_id="CRR-x-2024-v1", version=1, generated_at=GENERATED, draft=True)


def _csv(twin, name):
    with zipfile.ZipFile(io.BytesIO(twin.zip)) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


# --- on the database: query counts, and PDF = twin = database ---------------------------------

@pytest.fixture
def two_sizes(db):
    """Two plans paying into their own wellness funds: 2 grants and 20 contributions, and
    25 grants and 100 contributions (58 counties each)."""
    return generate(scale=0.001, code="q-small"), generate(scale=0.005, grants_scale=0.0125, code="q-large")


@pytest.mark.django_db
def test_selector_queries_do_not_grow_with_contributions_or_grants(two_sizes):
    small, large = two_sizes
    assert (large.grants, large.contributions) == (25, 100)
    community_reinvestment_data({"plan": small.world.plan.code, "year": 2024})  # warm caches
    counts = []
    for world in (small, large):
        with CaptureQueriesContext(connection) as queries:
            data = community_reinvestment_data({"plan": world.world.plan.code, "year": 2024})
        counts.append(len(queries.captured_queries))
        assert len(data.grants) == world.grants
        assert len(data.contributions) == world.contributions + 1  # and the world's own first contribution
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_pdf_summary_equals_the_twin_and_the_database(two_sizes):
    from grants.models import Award, AwardStatus
    from reinvestment.models import FulfilmentAllocation

    _, world = two_sizes
    data = community_reinvestment_data({"plan": world.world.plan.code, "year": 2024})
    pdf, twin = _render(data)
    squashed = pdf_text.squash(pdf_text.text(pdf))
    # the summary, summed by the database, equals the twin's records grouped the same way
    grouped: dict[tuple[str, str, str], list[Decimal]] = defaultdict(list)
    records = _csv(twin, "investments.csv")
    assert len(records) == len(data.investments) and len(data.contributions) == world.contributions + 1
    for r in records:
        if r["source"] == "fund_contribution":
            grouped[(r["fund"], r["county"], flowables.quarter(dt.date.fromisoformat(r["date"])))].append(
                Decimal(r["amount"]))
    summary = _csv(twin, "contributions_summary.csv")
    assert {(r["fund"], r["county"], r["quarter"]): (int(r["contributions"]), Decimal(r["amount"]))
            for r in summary} == {k: (len(v), sum(v)) for k, v in grouped.items()}
    # ... and the database's allocations
    db_total = sum(a.amount.amount for a in FulfilmentAllocation.objects.filter(
        plan__code=world.world.plan.code, credit__source="fund_contribution"))
    assert sum(Decimal(r["amount"]) for r in summary) == db_total
    # every summary row is printed, with its count and amount
    for r in summary:
        row = "".join([r["fund"], r["county"], r["quarter"], f"{int(r['contributions']):,}",
                       flowables.money(Decimal(r["amount"]))])
        assert pdf_text.squash(row) in squashed, row
    # grants are listed one by one; contributions are not
    for g in data.grants:
        assert pdf_text.squash(f"Award #{g.award.pk}") in squashed
    assert "wellness_fund.contributionpayment" not in squashed
    # every record behind the totals is in the twin: each part of a credit allocated to the
    # obligation in investments.csv, as the database has it (a credit dropped fails here), and
    # the obligation lines, county allocations and grant awards in appendix.csv
    allocations = FulfilmentAllocation.objects.filter(obligation_id=data.obligation.pk, credited_on__lte=data.as_of)
    assert Counter((r["reference"], r["county"], r["date"], Decimal(r["amount"])) for r in records) == Counter(
        (a.credit.reference, a.county.name, a.credited_on.isoformat(), a.amount.amount)
        for a in allocations.select_related("credit", "county"))
    assert sum(Decimal(r["amount"]) for r in records) == data.fulfilled
    appendix = _csv(twin, "appendix.csv")
    assert Counter(r["record"] for r in appendix) == {"obligation line": len(data.computation),
                                                      "county allocation": len(data.counties),
                                                      "grant award": world.grants}
    assert {r["reference"] for r in appendix if r["record"] == "grant award"} == {
        f"grants.award:{pk}" for pk in Award.objects.filter(fund_id=world.world.world.fund.pk)
        .exclude(status=AwardStatus.CANCELLED).values_list("pk", flat=True)}
    assert sum(Decimal(r["amount"]) for r in appendix if r["record"] == "county allocation") == data.total_obligation


@pytest.mark.django_db
def test_archived_pdf_prints_the_sha256_of_the_archived_twin(plan, staff, media):
    from reporting.services import report_generate, report_request
    from tests.reporting.factories import plan_year

    plan_year(code="plan-sha", credits=3)
    from organizations.actors import WORKER

    run = report_request(actor=WORKER, kind="community-reinvestment", params={"plan": "plan-sha", "year": 2024},
                         enqueue=False)
    artifact = report_generate(actor=WORKER, run_id=run.pk)
    with artifact.file.open("rb") as fh:
        text = pdf_text.text(fh.read())
    with artifact.twin_zip.open("rb") as fh:
        zipped = fh.read()
    assert artifact.twin_sha256 in text  # the JSON twin, also data.json in the zip
    assert hashlib.sha256(zipped).hexdigest() in text
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        for name in archive.namelist():
            assert hashlib.sha256(archive.read(name)).hexdigest() in text, name


# --- the renderer alone -----------------------------------------------------------------------

def test_every_twin_file_is_listed_with_its_rows_and_sha256():
    data = fixture_data(counties=5, investments=30)
    pdf, twin = _render(data)
    text = pdf_text.text(pdf)
    with zipfile.ZipFile(io.BytesIO(twin.zip)) as archive:
        names = archive.namelist()
        for name in names:
            content = archive.read(name)
            digest = hashlib.sha256(content).hexdigest()
            rows = None if name == "data.json" else len(content.decode().splitlines()) - 1
            line = f"{name}{'—' if rows is None else f'{rows:,}'}{digest}"
            assert line in pdf_text.squash(text), line
    assert hashlib.sha256(twin.json).hexdigest() == hashlib.sha256(
        zipfile.ZipFile(io.BytesIO(twin.zip)).read("data.json")).hexdigest()
    assert hashlib.sha256(twin.zip).hexdigest() in text
    assert {"appendix.csv", "investments.csv", "contributions_summary.csv", "data.json"} <= set(names)


def test_pages_do_not_grow_with_contributions():
    # given contributions over 58 counties and six quarters (348 fund/county/quarter rows)
    few_pdf, few_twin = _render(fixture_data(counties=58, investments=3000, direct_every=0))
    many_pdf, many_twin = _render(fixture_data(counties=58, investments=6000, direct_every=0))
    # then twice the contributions print the same number of pages
    assert len(_csv(few_twin, "contributions_summary.csv")) == len(_csv(many_twin, "contributions_summary.csv"))
    assert len(pdf_text.pages_text(many_pdf)) == len(pdf_text.pages_text(few_pdf)) <= 20
    # while the twin keeps every one
    assert len(_csv(many_twin, "investments.csv")) == 6000


def test_cover_has_the_key_figures_and_the_contents_its_page_numbers():
    data = fixture_data(counties=12, investments=300)
    pdf, _ = _render(data)
    pages = pdf_text.pages_text(pdf)
    cover = pdf_text.squash(pages[0])
    for label, value in (("Total obligation", flowables.money(data.total_obligation)),
                         ("Fulfilled", flowables.money(data.fulfilled)),
                         ("Remaining", flowables.money(data.remaining)), ("Status", data.status),
                         ("MLR remittance", flowables.money(data.mlr_remittance))):
        assert pdf_text.squash(label + value) in cover
    titles = ["Summary", "County allocation", "Investments", "Grants funded through wellness funds",
              "Attestation", "Records behind the totals (data twin)"]
    lines = pages[0].splitlines()
    numbers = [int(x) for x in lines[lines.index("Records behind the totals (data twin)") + 1:] if x.isdigit()]
    contents = dict(zip([ln for ln in lines[lines.index("Contents") + 1:] if not ln.isdigit()][:len(SECTIONS)],
                        numbers, strict=False))
    for title in titles:
        page = next(i for i, p in enumerate(pages, start=1) if i > 1 and title in p.splitlines())
        assert contents[title] == page, title


def test_no_internal_keys_or_iso_timestamps_and_own_creation_date():
    data = fixture_data(investments=40)
    pdf, _ = _render(data)
    text = pdf_text.text(pdf)
    for key in ("grants.award:", "wellness_fund.", "reinvestment.", "direct_investment", "fund_contribution"):
        assert key not in text
    assert data.plan.code not in text.replace("CRR-x-2024-v1", "")
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)
    meta = pdf_text.metadata(pdf)
    assert meta["/CreationDate"].startswith("D:20260301093000")
    assert meta["/ModDate"] == meta["/CreationDate"]
    assert "community-reinvestment" not in meta["/Keywords"]


def test_headings_never_end_a_page_and_charts_show_dollars():
    data = fixture_data(counties=40, investments=600, grants=150)
    pdf, _ = _render(data)
    headings = {"County allocation", "Investments", "Grants funded through wellness funds",
                "Direct investments and other credits", "Outcomes and people served", "Earmark compliance",
                "Community input", "Wellness fund contributions by fund, county and quarter"}
    for number, page in enumerate(pdf_text.pages_text(pdf), start=1):
        body = [ln for ln in page.splitlines() if ln.strip() and not ln.startswith("Page ")]
        assert body[-1] not in headings, (number, body[-1])
    lines = set(pdf_text.text(pdf).splitlines())
    assert "$0" in lines and any(re.fullmatch(r"\$\d{1,3}(,\d{3})+", ln) for ln in lines)
