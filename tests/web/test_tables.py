"""The shared table: sort keys from a whitelist, stable pages, CSV of the same rows, constant queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from djmoney.money import Money

from organizations.models import Organization
from tests.organizations.factories import OrganizationFactory
from web import tables
from web.tables import Column

rf = RequestFactory()

ORG_COLUMNS = [
    Column("code", "Code", sort="code"),
    Column("legal_name", "Name", sort="legal_name"),
    Column("get_kind_display", "Kind"),
    Column("created_at", "Created", sort="created_at", kind="datetime"),
]

LEDGER_ROWS = [
    {"name": "Promotores", "amount": Money("1234567.89", "USD"), "people": 56},
    {"name": "Barbers", "amount": Decimal("-1.00"), "people": 3},
    {"name": "=HYPERLINK(\"x\")", "amount": Decimal("0.10"), "people": 0},
]
LEDGER_COLUMNS = [
    Column("name", "Grantee", sort="name"),
    Column("amount", "Amount", sort="amount", kind="money"),
    Column("people", "People served", sort="people", kind="number"),
]


def _orgs(n: int) -> None:
    for i in range(n):
        OrganizationFactory(code=f"t-{i:03d}", legal_name=f"Org {n - i:03d}")


def _table(path: str, rows=None, **kwargs):
    request = rf.get(path)
    if rows is None:
        rows = Organization.objects.all()
    return request, tables.build(request, rows, columns=kwargs.pop("columns", ORG_COLUMNS),
                                 default_sort=kwargs.pop("default_sort", "code"), **kwargs)


@pytest.mark.django_db
def test_sorts_by_an_allowed_key_in_both_directions():
    _orgs(5)
    _, asc = _table("/?sort=legal_name")
    _, desc = _table("/?sort=-legal_name")
    names = [o.legal_name for o in asc.page.object_list]
    assert names == sorted(names)
    assert [o.legal_name for o in desc.page.object_list] == list(reversed(names))
    header = {h.column.key: h for h in desc.headers}
    assert header["legal_name"].aria_sort == "descending"
    assert "sort=legal_name" in header["legal_name"].href  # clicking again flips to ascending
    assert header["code"].aria_sort == "none"


@pytest.mark.django_db
def test_unknown_or_unsortable_keys_fall_back_to_the_default():
    _orgs(3)
    for bad in ("password", "-get_kind_display", "organization__memberships__user__password", ""):
        _, table = _table(f"/?sort={bad}")
        assert table.sort == "code"
        assert [o.code for o in table.page.object_list] == ["t-000", "t-001", "t-002"]


@pytest.mark.django_db
def test_pages_cover_every_row_once_and_keep_the_filters_in_links():
    _orgs(7)
    seen = []
    for number in (1, 2, 3):
        _, table = _table(f"/?kind=cbo&sort=-code&page={number}", page_size=3)
        seen += [o.code for o in table.page.object_list]
    assert seen == sorted((f"t-{i:03d}" for i in range(7)), reverse=True)
    _, table = _table("/?kind=cbo&sort=-code&page=2", page_size=3)
    assert "kind=cbo" in table.next_href and "page=3" in table.next_href and "sort=-code" in table.next_href
    assert "page=1" in table.previous_href
    assert "format=csv" in table.csv_href and "kind=cbo" in table.csv_href and "page" not in table.csv_href


@pytest.mark.django_db
def test_a_page_number_out_of_range_shows_the_last_page():
    _orgs(4)
    _, table = _table("/?page=99", page_size=3)
    assert table.page.number == 2


def test_lists_sort_in_python_and_money_shows_as_dollars():
    _, table = _table("/?sort=-amount", rows=LEDGER_ROWS, columns=LEDGER_COLUMNS, default_sort="name")
    texts = [[text for _c, text, _l in row.cells] for row in table.rows]
    assert texts[0] == ["Promotores", "$1,234,567.89", "56"]
    assert texts[-1] == ["Barbers", "-$1.00", "3"]


def test_csv_export_has_every_row_exact_decimals_and_no_formulas():
    _, table = _table("/?sort=name&format=csv", rows=LEDGER_ROWS, columns=LEDGER_COLUMNS,
                      default_sort="name", page_size=1)
    assert table.wants_csv
    response = table.csv_response("grants.csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Grantee", "Amount", "People served"]
    assert rows[1:] == [
        ["'=HYPERLINK(\"x\")", "0.10", "0"],
        ["Barbers", "-1.00", "3"],
        ["Promotores", "1234567.89", "56"],
    ]
    assert response["Content-Disposition"] == 'attachment; filename="grants.csv"'


def test_csv_refuses_a_float_cell():
    table = tables.build(rf.get("/"), [{"name": "x", "amount": 1.5}],
                         columns=[Column("name", "N", sort="name"), Column("amount", "A", kind="number")],
                         default_sort="name")
    with pytest.raises(TypeError):
        b"".join(table.csv_response("x.csv").streaming_content)


def test_a_default_sort_that_is_not_a_column_is_a_programming_error():
    with pytest.raises(ValueError):
        tables.build(rf.get("/"), [], columns=LEDGER_COLUMNS, default_sort="secret")


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_rendering_a_page_takes_the_same_queries_at_any_size(django_assert_num_queries, size):
    # Two queries: the count for the paginator and the page's rows.
    _orgs(size)
    with django_assert_num_queries(2):
        request, table = _table("/?sort=-created_at", page_size=25)
        html = render_to_string("includes/table.html", {"table": table, "request": request})
    assert f"{size} result" in html
    assert 'aria-sort="descending"' in html
    assert ("Next" in html) == (size > 25)


@pytest.mark.django_db
def test_csv_of_a_queryset_streams_every_matching_row_in_order():
    _orgs(12)
    _, table = _table("/?sort=-code&format=csv", page_size=5)
    body = b"".join(table.csv_response("orgs.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[0] for r in rows[1:]] == [f"t-{i:03d}" for i in reversed(range(12))]


@pytest.mark.django_db
def test_rows_are_written_escaped_with_their_links_and_figure_cells():
    rows = [{"name": "<script>alert('x')</script> & Sons", "amount": Decimal("1234.50"), "people": 7,
             "link": '/grants/?q="x"&y=<b>'}]
    columns = [Column("name", "Grantee <b>", sort="name", link=lambda r: r["link"]),
               Column("amount", "Amount", sort="amount", kind="money"),
               Column("people", "People served", kind="number")]
    request, table = _table("/", rows=rows, columns=columns, default_sort="name")
    html = render_to_string("includes/table.html", {"table": table, "request": request})
    assert "<script>alert" not in html and "Grantee <b>" not in html
    assert ('<td data-label="Grantee &lt;b&gt;"><a href="/grants/?q=&quot;x&quot;&amp;y=&lt;b&gt;">'
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Sons</a></td>") in html
    assert '<td data-label="Amount" class="num">$1,234.50</td>' in html
    assert '<td data-label="People served" class="num">7</td>' in html


@pytest.mark.django_db
def test_a_table_without_rows_says_so_in_one_cell_across_its_columns():
    request, table = _table("/", rows=[], columns=LEDGER_COLUMNS, default_sort="name")
    html = render_to_string("includes/table.html", {"table": table, "request": request})
    assert '<tr><td colspan="3">Nothing matches.</td></tr>' in html
