"""The secretariat's start page."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum.access import SECRETARIAT, access
from forum.cooperation import queries as cooperation
from forum.dashboard import queries
from forum.db import db
from forum.material import distribution
from forum.timeutil import today

bp = Blueprint("dashboard", __name__)


@bp.get("/secretariat")
@access(SECRETARIAT)
def index():
    now = today()
    return render_template(
        "dashboard/index.html",
        today=now,
        proposals=queries.pending_proposals(db.session),
        meetings=queries.next_meetings(db.session),
        ending=queries.ending_soon(db.session, now),
        vacancies=queries.long_vacancies(db.session, now),
        ending_days=queries.ENDING_WITHIN.days,
        vacant_days=queries.VACANT_LONGER_THAN.days,
        material_due=distribution.due(db.session, now),
        cooperation_waiting=cooperation.waiting(db.session),
    )
