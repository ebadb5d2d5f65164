"""Every font in every document kind is embedded (no font left for the viewer to substitute)."""

import datetime as dt

import pytest

from reporting.kinds import KINDS
from reporting.pdf import fonts
from tests.reporting import pdf_text
from tests.reporting.factories import community_reinvestment_data
from tests.reporting.grants_world import grants_world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.skipif(fonts.FALLBACK == "STSong-Light",
                    reason="the CJK fallback is the viewer's CID font without fonts-wqy-microhei")
def test_every_kind_embeds_every_font():
    gw = grants_world(code="plan-ft")
    fund = gw.world.fund
    documents = {
        "community-reinvestment": community_reinvestment_data(counties=3, investments=4),
        "fund-statement": KINDS["fund-statement"].collect({"fund": fund.code, "year": 2025}),
        "award-letter": KINDS["award-letter"].collect({"award": gw.award.pk}),
        "minutes": KINDS["minutes"].collect({"meeting": gw.meeting.pk}),
    }
    assert set(documents) == set(KINDS)
    for kind, data in documents.items():
        for draft in (True, False):
            pdf = KINDS[kind].render_pdf(data, report_id="X-1", version=1, generated_at=NOW, draft=draft)
            assert pdf_text.unembedded_fonts(pdf) == set(), (kind, draft)
            assert any(name.endswith("NotoSans-Regular") for name in pdf_text.embedded_fonts(pdf)), kind
