"""The renderers alone, from plain data: text, totals, structure, fonts, twin."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pikepdf

from reporting.data import Attestation
from reporting.kinds import render_pdf, render_twin
from reporting.pdf import flowables
from tests.reporting import pdf_text
from tests.reporting.factories import PAYEES, community_reinvestment_data

GENERATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _render(data, draft=True, report_id="CRR-test-plan-2024-v1"):
    return render_pdf("community-reinvestment", data, report_id=report_id, version=1,
                      generated_at=GENERATED, draft=draft)


def test_totals_and_every_county_row_are_in_the_text():
    # given a dataset with 12 counties
    data = community_reinvestment_data(counties=12, investments=30)
    # when rendered
    text = pdf_text.text(_render(data))
    squashed = pdf_text.squash(text)
    # then the totals and each county's row appear with the exact amounts
    for amount in (data.total_obligation, data.fulfilled, data.remaining):
        assert flowables.money(amount) in text
    for county in data.counties:
        row = "".join([county.county, f"{county.basis:,}", flowables.percent(county.share),
                       flowables.money(county.allocated), flowables.money(county.fulfilled),
                       flowables.money(county.remaining)])
        assert pdf_text.squash(row) in squashed, county.county
    assert sum(c.allocated for c in data.counties) == data.total_obligation


def test_unicode_names_are_embedded_and_extractable():
    data = community_reinvestment_data(investments=4)
    pdf = _render(data)
    squashed = pdf_text.squash(pdf_text.text(pdf))
    for name in PAYEES:
        assert pdf_text.squash(name) in squashed
    fonts = pdf_text.embedded_fonts(pdf)
    assert any(f.endswith("NotoSans-Regular") for f in fonts), fonts


def test_page_x_of_y_header_footer_watermark_and_draft_signature():
    data = community_reinvestment_data(counties=58, investments=200)
    pdf = _render(data)
    pages = pdf_text.pages_text(pdf)
    total = len(pages)
    assert total > 5
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "Report CRR-test-plan-2024-v1" in page
        assert "Golden Valley Health Plan" in page
        assert "generated March 1, 2026, 09:30" in page and "generated 2026" not in page
        assert "DRAFT" in page
    assert "Not yet attested (draft)" in pdf_text.text(pdf)


def test_final_pdf_has_attestation_and_no_watermark():
    attestation = Attestation(name="Carlos Ramírez", title="Chief Compliance Officer",
                              attested_at=dt.datetime(2026, 4, 2, 15, 0, tzinfo=dt.UTC))
    pdf = _render(community_reinvestment_data(attestation=attestation), draft=False)
    text = pdf_text.text(pdf)
    assert "DRAFT" not in text
    assert "Carlos Ramírez" in text and "Chief Compliance Officer" in text
    assert "2 April 2026, 15:00 UTC" in text
    assert "2026-04-02T15:00" not in text  # no ISO timestamps in the PDF


def test_outline_and_metadata():
    pdf = _render(community_reinvestment_data())
    titles = pdf_text.outline_titles(pdf)
    for section in ("Summary", "County allocation", "Investments", "Grants funded through wellness funds",
                    "Outcomes and people served", "Earmark compliance", "Community input", "Attestation",
                    "Records behind the totals (data twin)"):
        assert section in titles
    meta = pdf_text.metadata(pdf)
    assert meta["/Title"].startswith("Community Reinvestment Report — Golden Valley Health Plan")
    assert meta["/Author"] == "Golden Valley Health Plan"
    assert "income year 2024" in meta["/Subject"]


def test_long_tables_are_chunked_and_repeat_their_header():
    # given more direct investments (listed one by one; contributions are summarised) than one chunk holds
    data = community_reinvestment_data(investments=flowables.CHUNK_ROWS * 6 + 10)
    pdf = _render(data)
    # then the investments header appears on every page the table spans
    pages = [p for p in pdf_text.pages_text(pdf) if "Payee" in p and "Advisory" in p]
    assert len(pages) >= 3
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == len(pdf_text.pages_text(pdf))


def test_small_cells_show_as_suppressed():
    data = community_reinvestment_data()
    text = pdf_text.text(_render(data))
    assert "Asian <11" in text or "Asian<11" in pdf_text.squash(text)


def test_twin_holds_the_same_figures_without_floats():
    data = community_reinvestment_data(counties=5, investments=7)
    twin_json, twin_zip = render_twin("community-reinvestment", data)
    parsed = json.loads(twin_json, parse_float=lambda s: (_ for _ in ()).throw(AssertionError(s)))
    assert parsed["total_obligation"] == str(data.total_obligation)
    assert [c["allocated"] for c in parsed["counties"]] == [str(c.allocated) for c in data.counties]
    with zipfile.ZipFile(io.BytesIO(twin_zip)) as archive:
        names = set(archive.namelist())
        assert {"data.json", "counties.csv", "investments.csv", "appendix.csv"} <= names
        counties = archive.read("counties.csv").decode().splitlines()
    assert len(counties) == 1 + 5
    total = sum(Decimal(line.split(",")[4]) for line in counties[1:])
    assert total == data.total_obligation
    # same data, same bytes
    assert render_twin("community-reinvestment", data) == (twin_json, twin_zip)


def test_same_data_renders_the_same_bytes():
    data = community_reinvestment_data()
    assert _render(data) == _render(data)
