"""Every read of the grants app that a page, report or command needs, as plain data.

One module per topic, re-exported here so ``from grants import selectors`` serves every read:

* ``opportunities``: the calls a user may see;
* ``applications``: applications in scope (review conflicts hide them), one application's detail;
* ``review``: reviewers' scores, weighted totals and the ranking (the score rules are there);
* ``board``: seats in force, ballots, meetings and their minutes;
* ``awards``: awards in scope, one award with its schedule;
* ``pipeline``: a fund's applications by stage against the money available to award;
* ``reports`` and ``rollups``: grantee reports and roll-ups after the award.

List selectors run a fixed number of queries whatever the number of rows
(tested with ``django_assert_num_queries`` at two sizes); each says which.
"""

from __future__ import annotations

from .applications import application_detail as application_detail
from .applications import application_get as application_get
from .applications import applications_scope as applications_scope
from .applications import applications_visible as applications_visible
from .awards import award_with_schedule as award_with_schedule
from .awards import awards_visible as awards_visible
from .board import ballots_for_item as ballots_for_item
from .board import meeting_minutes as meeting_minutes
from .board import meetings_visible as meetings_visible
from .board import seats_on as seats_on
from .opportunities import opportunities_visible as opportunities_visible
from .pipeline import STAGES as STAGES
from .pipeline import pipeline as pipeline
from .reports import award_history as award_history
from .reports import report_detail as report_detail
from .reports import report_get as report_get
from .reports import reports_visible as reports_visible
from .review import review_ranking as review_ranking
from .review import reviews_for_application as reviews_for_application
from .review import weighted_total as weighted_total
from .rollups import fund_rollup as fund_rollup
from .rollups import plan_outcomes as plan_outcomes
from .rollups import plan_rollup as plan_rollup
