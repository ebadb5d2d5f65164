"""The twin and table writers take shortcuts for speed; each writes what the plain way writes."""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import pikepdf
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table

from reinvestment.references import SourceKind, SourceRef
from reporting.data import jsonable
from reporting.documents import community_reinvestment as crr
from reporting.pdf import flowables, fonts
from reporting.pdf.template import DocumentMeta, build_pdf
from reporting.twin import csv_text, json_bytes
from tests.reporting.factories import community_reinvestment_data
from tests.reporting.pdf_text import text


@dataclass(frozen=True)
class Row:
    text: str
    amount: Decimal
    day: dt.date
    moment: dt.datetime
    flag: bool | None
    reference: SourceRef | str
    number: int
    nested: tuple[SourceRef, ...]


def _plain_json(data):
    """The JSON twin written record by record through the encoder (the layout ``json_bytes`` keeps)."""
    def compact(value):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))

    lines = []
    plain = jsonable(data)
    for key in sorted(plain):
        value = plain[key]
        if isinstance(value, list) and value:
            body = ",\n".join(f"    {compact(v)}" for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{body}\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {compact(value)}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode()


def test_json_twin_of_a_report_is_the_plain_encoders_json():
    data = community_reinvestment_data(counties=6, investments=40)
    assert json_bytes(data) == _plain_json(data)


def test_json_twin_writes_every_kind_of_value_as_the_plain_encoder_does():
    moment = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    rows = [Row("Niños \"Sanos\", 漢字\n", Decimal("1.10"), dt.date(2026, 1, 2), moment, None,
                SourceRef(SourceKind.AWARD, 1), 3, (SourceRef(SourceKind.OBLIGATION, 2),)),
            Row("b", Decimal("1.1"), dt.date(2026, 1, 2), moment, True, "free text", -4, ()),
            Row("b", Decimal("-0.00"), dt.date(2025, 12, 31), moment, False, "free text", 0, ())]
    data = {"rows": rows, "empty": [], "one": Decimal("2.50"), "mixed": [1, "a", None]}
    assert json_bytes(data) == _plain_json(data)
    assert b'"amount": "1.10"' in json_bytes(data) and b'"amount": "1.1"' in json_bytes(data)


def test_csv_writes_moments_in_iso_form_and_keys_as_text():
    moment = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    text = csv_text(["a", "b", "c"], [(SourceRef(SourceKind.AWARD, 7), Decimal("1.10"), None),
                                      ("x", None, moment)])
    assert list(csv.reader(io.StringIO(text))) == [
        ["a", "b", "c"], ["grants.award:7", "1.10", ""], ["x", "", "2026-03-01T09:30:00+00:00"]]


def _plain_csv(header, rows):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v.isoformat() if isinstance(v, dt.datetime) else v for v in row]
                      for row in rows])
    return out.getvalue()


_CELLS = st.one_of(st.none(), st.booleans(), st.integers(), st.dates(),
                   st.decimals(allow_nan=False, allow_infinity=False, places=2),
                   st.text(alphabet=st.sampled_from(['a', ' ', ',', '"', '\n', '\r', 'ñ', '漢', "'", ';'])),
                   st.builds(SourceRef, st.just(SourceKind.AWARD), st.integers(min_value=1)))


@given(st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.lists(st.lists(_CELLS, min_size=n, max_size=n), max_size=6)))
def test_csv_written_by_columns_is_what_the_csv_writer_writes(rows):  # type: ignore[no-untyped-def]
    header = [f"h{i}" for i in range(len(rows[0]))] if rows else ["h0", "h1"]
    assert csv_text(header, rows) == _plain_csv(header, rows)


def test_csv_quotes_only_the_fields_that_need_it():
    rows = [("plain", "a,b", 'say "hi"', "two\nlines", ""), ("x", "", None, True, Decimal("-0.00"))]
    text = csv_text(list("abcde"), rows)
    assert text == 'a,b,c,d,e\nplain,"a,b","say ""hi""","two\nlines",\nx,,,True,-0.00\n'
    assert list(csv.reader(io.StringIO(text))) == [list("abcde"), ["plain", "a,b", 'say "hi"', "two\nlines", ""],
                                                   ["x", "", "", "True", "-0.00"]]
    assert csv_text(["only"], [("",), (None,)]) == 'only\n""\n""\n'


def test_appendix_rows_are_the_appendix_records():
    data = community_reinvestment_data(counties=3, investments=12)
    header, rows = crr.APPENDIX.twin(crr.appendix(data))
    assert crr.tables(data)["appendix"] == (header, crr.appendix_rows(data))
    assert [tuple(r) for r in rows] == crr.appendix_rows(data)


def test_appendix_and_investments_together_hold_every_record_behind_the_totals():
    data = community_reinvestment_data(counties=3, investments=12)
    tables = crr.tables(data)
    appendix = [dict(zip(tables["appendix"][0], row, strict=True)) for row in tables["appendix"][1]]
    credits = [dict(zip(tables["investments"][0], row, strict=True)) for row in tables["investments"][1]]
    # the credits are in investments.csv, each once, and nowhere else
    assert [(c["reference"], c["county"], c["date"], c["amount"]) for c in credits] == [
        (i.reference, i.county, i.date, i.amount) for i in data.investments]
    assert sum(c["amount"] for c in credits) == data.fulfilled
    # the other records behind the totals are in appendix.csv
    assert [(r["record"], r["amount"]) for r in appendix] == (
        [("obligation line", ln.amount) for ln in data.computation]
        + [("county allocation", c.allocated) for c in data.counties]
        + [("grant award", g.attributed) for g in data.grants])
    assert [r["reference"] for r in appendix if r["record"] == "grant award"] == [g.award for g in data.grants]
    assert sum(r["amount"] for r in appendix if r["record"] == "county allocation") == data.total_obligation


def test_long_cell_text_wraps_into_lines_that_fit_and_keep_every_word():
    width = 0.11 * flowables.FRAME_WIDTH
    text = "Asociación de Promotores Comunitarios del Valle Imperial — Niños Sanos " + "x" * 60
    lines = flowables._lines(text, width)
    assert lines is not None and "\n" in lines
    assert "".join(lines.split()) == "".join(text.split())
    for line in lines.split("\n"):
        assert stringWidth(line, fonts.BODY, flowables.CELL_SIZE) <= width - 2 * flowables.CELL_PAD
    assert flowables._lines("short", width) == "short"
    assert flowables._lines("漢字 " * 10, width) is None  # set in the fallback font by a Paragraph


def _placed_text(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """(page, text, x, y) of every piece of text shown, as a PDF reader places it."""
    placed: list[tuple[int, str, float, float]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        def visit(text, cm, tm, font, size, number=number):  # type: ignore[no-untyped-def]
            if text.strip():
                placed.append((number, text.strip(), round(cm[0] * tm[4] + cm[4], 2), round(cm[3] * tm[5] + cm[5], 2)))
        page.extract_text(visitor_text=visit)
    return placed


def _text_objects(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sum(str(instruction.operator) == "BT" for page in doc.pages
                   for instruction in pikepdf.parse_content_stream(page))


def test_tables_write_their_text_where_reportlabs_own_table_writes_it(monkeypatch):  # type: ignore[no-untyped-def]
    long_name = "Asociación de Promotores Comunitarios del Valle Imperial — Niños Sanos, Inc."
    rows = [[f"Grantee {i}" if i % 7 else long_name, "漢字" if i == 3 else f"County {i % 5}", None if i == 4 else "",
             Decimal(i * 1000) / 7, dt.date(2026, 1, 1 + i % 28)] for i in range(95)]

    def document() -> bytes:
        story = flowables.chunked_table(
            ["Grantee", "County", "Note", "Amount", "Date"],
            [[r[0], r[1], r[2], flowables.money(r[3].quantize(Decimal("0.01"))), flowables.date(r[4])] for r in rows],
            widths=[0.3, 0.2, 0.1, 0.2, 0.2], numeric=[3], total=["Total", "", "", "$1.00", ""])
        meta = DocumentMeta(title="t", subject="s", author="a", document_label="Test", scope_label="Scope",
                            year_label="2026", report_id="T-1", generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        return build_pdf(story, meta)

    ours = document()
    monkeypatch.setattr(flowables, "TextTable", Table)
    reportlabs = document()
    assert _placed_text(ours) == _placed_text(reportlabs)
    assert long_name.split()[0] in text(ours) and "$1.00" in text(ours)
    # one text object a table chunk (plus the page furniture), not one a cell
    assert _text_objects(ours) < _text_objects(reportlabs) / 4
