"""People served in the Community Reinvestment Report: one table per dimension of the equity
taxonomy, rows named as the taxonomy names its categories, small cells suppressed, and every
figure the same in the PDF, the data twin and the database."""

import csv
import datetime as dt
import io
import json
import zipfile
from collections import defaultdict

import pytest
from django.db.models import Sum

from community.models import EquityCategory
from community.selectors import taxonomy_in_force
from grants import services as gs
from grants.models import PeopleServed, ReportKind, ReportStatus
from reporting.kinds import render_pdf, render_twin
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.grants import factories as gf
from tests.reporting import pdf_text
from tests.reporting.grants_world import grants_world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)

#: 120 people: every dimension adds up to them; the small cells (below 11) are marked.
PEOPLE = {
    "disability": {"hearing": 40, "no_disability": 75, "declined": 5},  # one small cell: its complement goes too
    "sexual_orientation": {"straight_heterosexual": 100, "bisexual": 12, "declined": 4, "not_reported": 4},
    "sex": {"female": 70, "male": 50},
    "ethnicity": {"mexican": 90, "salvadoran": 3, "another_asian": 20, "not_reported": 7},
}
SHOWN = {  # (dimension, category name) -> what the report shows; None: suppressed
    ("disability", "Hearing difficulty"): None, ("disability", "No disability"): 75,
    ("disability", "Declined to answer"): None,
    ("sexual_orientation", "Straight or heterosexual"): 100, ("sexual_orientation", "Bisexual"): 12,
    ("sexual_orientation", "Declined to answer"): None, ("sexual_orientation", "Not reported"): None,
    ("sex", "Female"): 70, ("sex", "Male"): 50,
    ("ethnicity", "Mexican"): 90, ("ethnicity", "Salvadoran"): None, ("ethnicity", "Another Asian group"): 20,
    ("ethnicity", "Not reported"): None,
}


@pytest.fixture
def report():
    """A plan's compliance report whose grant has an accepted final report with ``PEOPLE``."""
    gw = grants_world(code="plan-dims")
    gs.award_accept(actor=gw.world.staff[0], award=gw.award, name="María López", title="Director")
    gf.accepted_report(gw.world, gw.award, 2, total_served=120, people=gf.people(120) | PEOPLE)
    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024})
    pdf = render_pdf("community-reinvestment", data, report_id="X-1", version=1, generated_at=NOW, draft=False)
    twin_json, twin_zip = render_twin("community-reinvestment", data)
    with zipfile.ZipFile(io.BytesIO(twin_zip)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("people_served.csv").decode())))
    return gw, data, pdf_text.text(pdf), json.loads(twin_json), rows


def _database(award):
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for d, c, n in (PeopleServed.objects.filter(report__schedule__award=award,
                                                report__schedule__status=ReportStatus.ACCEPTED,
                                                report__schedule__kind=ReportKind.FINAL)
                    .values("dimension", "category").annotate(n=Sum("count")).values_list("dimension", "category", "n")):
        cells[(d, c)] += n
    return cells


def test_every_dimension_of_the_taxonomy_has_its_table_named_in_words(report):
    _gw, data, text, _json, _rows = report
    taxonomy = taxonomy_in_force(dt.date(2024, 12, 31))
    people = data.people_served
    assert people.suppression_threshold == 11 and people.total == 120
    assert [d.code for d in people.dimensions] == ["county", *(d.code for d in taxonomy.dimensions.all())]
    squashed = pdf_text.squash(text)
    for dimension in taxonomy.dimensions.all():
        name = dimension.name[0].lower() + dimension.name[1:]
        assert pdf_text.squash(f"People served by {name}") in squashed, dimension.code
    shown = {(d.code, r.label): r.count for d in people.dimensions for r in d.rows if d.code in PEOPLE}
    assert shown == SHOWN
    for (_code, label), count in SHOWN.items():
        assert pdf_text.squash(f"{label}{'<11' if count is None else f'{count:,}'}") in squashed, label
    # words, never codes
    for code in ("straight_heterosexual", "no_disability", "another_asian", "not_reported", "declined",
                 "sexual_orientation", "race_ethnicity"):
        assert code not in text, code


def test_pdf_twin_and_database_agree(report):
    gw, data, text, twin_json, rows = report
    database = _database(gw.award)
    squashed = pdf_text.squash(text)
    names = {(c.dimension.code, c.code): c.name
             for c in EquityCategory.objects.filter(dimension__taxonomy=taxonomy_in_force(dt.date(2024, 12, 31)))
             .select_related("dimension")}
    # the twin's CSV: one row per category counted, each with its dimension and category codes and name
    assert {(r["dimension"], r["category"]) for r in rows} == set(database)
    for r in rows:
        stored = database[(r["dimension"], r["category"])]
        if r["dimension"] != "county":
            assert r["label"] == names[(r["dimension"], r["category"])]
        if r["count"] == "":
            assert 0 < stored < 11 or any(  # suppressed: small, or the complement of a lone small cell
                0 < database[(r["dimension"], o["category"])] < 11 for o in rows
                if o["dimension"] == r["dimension"] and o is not r)
        else:
            assert int(r["count"]) == stored
            assert pdf_text.squash(f"{r['label']}{int(r['count']):,}") in squashed
    # the twin's JSON holds the same dimensions and rows as the PDF was made from
    dims = twin_json["people_served"]["dimensions"]
    assert [d["code"] for d in dims] == [d.code for d in data.people_served.dimensions]
    assert sum(len(d["rows"]) for d in dims) == len(rows)
    # each table's total is the people served
    assert squashed.count(pdf_text.squash("Total120")) >= len(dims)

