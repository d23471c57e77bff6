"""After a meeting: attendance, minutes and action items, and the yearly attendance overview.

Services flush and raise RecordsError; the request commits. Reads load what their page shows
in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from forum.access import is_secretariat
from forum.audit.services import record
from forum.i18n import day as format_day
from forum.meetings.models import (
    ActionItem,
    Answer,
    Attendance,
    AttendanceRole,
    Meeting,
    MeetingAnswer,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Presence,
)
from forum.meetings.queries import local_day, participants
from forum.roster.models import Body, Nomination, Person, Region, Side
from forum.roster.queries import forum_bodies
from forum.timeutil import STOCKHOLM, utcnow

MINUTES_MAX = 100_000


class RecordsError(Exception):
    """A refused change, explained in the user's language, aimed at a form field."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; what is stored is UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def has_begun(meeting: Meeting, now: datetime | None = None) -> bool:
    return as_utc(meeting.start_at) <= (now or utcnow())


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise RecordsError(None, gettext("The meeting is cancelled: it has no records."))


# --- attendance -----------------------------------------------------------------------------


def presence_field(person_id: int) -> str:
    return f"presence_{person_id}"


def role_field(person_id: int) -> str:
    return f"role_{person_id}"


def substitute_field(person_id: int) -> str:
    return f"substitute_{person_id}"


@dataclass
class AttendanceLine:
    """One participant on the attendance form: what is recorded, or what their answer
    suggests until something is."""

    person: Person
    kind: str  # "member" or "guest"
    nomination: Nomination | None
    answer: MeetingAnswer | None
    presence: Presence
    role: AttendanceRole
    substitute_name: str
    recorded: bool

    @property
    def region(self) -> Region | None:
        return self.nomination.region if self.nomination else None

    @property
    def side(self) -> str:
        return _side_of(self.nomination)


def _side_of(nomination: Nomination | None) -> str:
    if nomination is None or nomination.seat.side is Side.NONE:
        return ""
    return nomination.seat.side.value


def _from_answer(kind: str, answer: MeetingAnswer | None) -> tuple[Presence, AttendanceRole, str]:
    own_role = AttendanceRole.GUEST if kind == "guest" else AttendanceRole.MEMBER
    if answer is None:
        return Presence.ABSENT, own_role, ""
    if answer.answer is Answer.ATTENDING:
        return Presence.PRESENT, own_role, ""
    if answer.answer is Answer.SUBSTITUTE and kind == "member":
        return Presence.PRESENT, AttendanceRole.SUBSTITUTE, answer.substitute_name
    # Declined; or a guest's substitute, who holds no seat: the guest is away, excused.
    return Presence.EXCUSED, own_role, ""


def recorded_attendance(session: Session, meeting: Meeting) -> list[Attendance]:
    return list(
        session.scalars(
            select(Attendance)
            .where(Attendance.meeting_id == meeting.id)
            .options(joinedload(Attendance.person), joinedload(Attendance.region))
        )
    )


def attendance_lines(session: Session, meeting: Meeting) -> list[AttendanceLine]:
    """A line per participant (members on the meeting's date, then guests), prefilled from
    the recorded attendance or, until there is one, from the answers."""
    recorded = {a.person_id: a for a in recorded_attendance(session, meeting)}
    lines = []
    for p in participants(session, meeting):
        row = recorded.pop(p.person.id, None)
        if row is not None:
            presence, role, name = row.presence, row.role, row.substitute_name
        else:
            presence, role, name = _from_answer(p.kind, p.answer)
        lines.append(
            AttendanceLine(p.person, p.kind, p.nomination, p.answer, presence, role, name,
                           row is not None)
        )
    # Someone recorded who is no longer a participant (a guest removed afterwards) keeps
    # their line: the record is not lost from view.
    for row in sorted(recorded.values(), key=lambda r: (r.person.family_name, r.person.given_name)):
        kind = "guest" if row.role is AttendanceRole.GUEST else "member"
        lines.append(
            AttendanceLine(row.person, kind, None, None, row.presence, row.role,
                           row.substitute_name, True)
        )
    return lines


@dataclass
class AttendanceEntry:
    person_id: int
    presence: Presence
    role: AttendanceRole
    substitute_name: str = ""


def record_attendance(
    session: Session, meeting: Meeting, entries: list[AttendanceEntry]
) -> list[Attendance]:
    """Save who was there. Region and side come from the member's nomination on the
    meeting's date, so the record keeps them when nominations later change."""
    _refuse_cancelled(meeting)
    if not has_begun(meeting):
        raise RecordsError(
            None, gettext("Attendance can be recorded once the meeting has begun.")
        )
    lines = {line.person.id: line for line in attendance_lines(session, meeting)}
    existing: dict[int, list[Attendance]] = defaultdict(list)
    for row in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)):
        existing[row.person_id].append(row)

    # Every entry is checked before anything changes: a refusal leaves nothing half-done.
    checked = []
    for entry in entries:
        line = lines.get(entry.person_id)
        if line is None:
            raise RecordsError(None, gettext("Only the meeting's participants can be recorded."))
        if line.kind == "guest":
            allowed = {AttendanceRole.GUEST}
        else:
            allowed = {AttendanceRole.MEMBER, AttendanceRole.SUBSTITUTE}
        if entry.role not in allowed:
            raise RecordsError(
                role_field(entry.person_id),
                gettext("%(name)s takes part as a guest.", name=line.person.name)
                if line.kind == "guest"
                else gettext("Choose member or substitute."),
            )
        name = entry.substitute_name.strip()
        if entry.role is AttendanceRole.SUBSTITUTE and not name:
            raise RecordsError(
                substitute_field(entry.person_id),
                gettext("Give the name of the substitute for %(name)s.", name=line.person.name),
            )
        checked.append((entry, line, name if entry.role is AttendanceRole.SUBSTITUTE else ""))

    saved = []
    for entry, line, name in checked:
        rows = existing.get(entry.person_id, [])
        row = rows[0] if rows else Attendance(meeting_id=meeting.id, person_id=entry.person_id)
        for extra in rows[1:]:
            session.delete(extra)
        row.role = entry.role
        row.presence = entry.presence
        row.substitute_name = name[:200]
        if line.nomination is not None:
            row.region_id = line.nomination.region_id
            row.side = _side_of(line.nomination)
        elif row.id is None:
            row.region_id = None
            row.side = ""
        session.add(row)
        saved.append(row)
    session.flush()
    counts = tally(saved)
    record(
        session,
        "attendance_recorded",
        target=meeting,
        summary=meeting.title[:200],
        after={
            "present": counts.present,
            "substitutes": counts.substitutes,
            "guests": counts.guests,
            "excused": counts.excused,
            "absent": counts.absent,
        },
    )
    return saved


@dataclass
class Tally:
    """Seat by seat: a member there, a substitute there, excused, absent; guests apart."""

    present: int = 0
    substitutes: int = 0
    excused: int = 0
    absent: int = 0
    guests: int = 0

    def add(self, role: AttendanceRole, presence: Presence, count: int = 1) -> None:
        if role is AttendanceRole.GUEST:
            if presence is Presence.PRESENT:
                self.guests += count
        elif presence is Presence.PRESENT:
            if role is AttendanceRole.SUBSTITUTE:
                self.substitutes += count
            else:
                self.present += count
        elif presence is Presence.EXCUSED:
            self.excused += count
        else:
            self.absent += count

    @property
    def attended(self) -> int:
        return self.present + self.substitutes

    @property
    def recorded(self) -> int:
        return self.present + self.substitutes + self.excused + self.absent

    @property
    def rate(self) -> int | None:
        """Seats filled, in whole per cent of the seats recorded."""
        if not self.recorded:
            return None
        return round(100 * self.attended / self.recorded)


def tally(rows: list[Attendance]) -> Tally:
    counts = Tally()
    for row in rows:
        counts.add(row.role, row.presence)
    return counts


# --- minutes --------------------------------------------------------------------------------


def save_minutes(session: Session, meeting: Meeting, text: str) -> Minutes:
    """Write or rewrite the draft; approved minutes are an official document and stay."""
    _refuse_cancelled(meeting)
    text = (text or "").strip()
    if len(text) > MINUTES_MAX:
        raise RecordsError("text", gettext("At most %(max)d characters.", max=MINUTES_MAX))
    minutes = meeting.minutes
    if minutes is not None and minutes.status is not MinutesStatus.DRAFT:
        raise RecordsError(
            "text", gettext("The minutes are approved and can no longer be changed.")
        )
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id, text=text, status=MinutesStatus.DRAFT)
        session.add(minutes)
        meeting.minutes = minutes
    else:
        minutes.text = text
    session.flush()
    record(session, "minutes_saved", target=meeting, summary=meeting.title[:200],
           after={"status": minutes.status, "characters": len(text)})
    return minutes


def approve_minutes(session: Session, meeting: Meeting) -> Minutes:
    _refuse_cancelled(meeting)
    minutes = meeting.minutes
    if minutes is None or not minutes.text.strip():
        raise RecordsError("text", gettext("Write the minutes before approving them."))
    if minutes.status is not MinutesStatus.DRAFT:
        raise RecordsError(None, gettext("Only draft minutes can be approved."))
    if not has_begun(meeting):
        raise RecordsError(
            None, gettext("Minutes can be approved once the meeting has taken place.")
        )
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = utcnow()
    session.flush()
    record(session, "minutes_approved", target=meeting, summary=meeting.title[:200],
           before={"status": MinutesStatus.DRAFT}, after={"status": minutes.status})
    return minutes


def publish_minutes(session: Session, meeting: Meeting) -> Minutes:
    _refuse_cancelled(meeting)
    minutes = meeting.minutes
    if minutes is None or minutes.status is MinutesStatus.DRAFT:
        raise RecordsError(None, gettext("Minutes are published once they are approved."))
    if minutes.status is MinutesStatus.PUBLISHED:
        raise RecordsError(None, gettext("The minutes are already published."))
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = utcnow()
    session.flush()
    record(session, "minutes_published", target=meeting, summary=meeting.title[:200],
           before={"status": MinutesStatus.APPROVED}, after={"status": minutes.status})
    return minutes


def minutes_visible(minutes: Minutes | None, *, secretariat: bool, details: bool) -> bool:
    """Published minutes are public; approved ones are the participants'; drafts are the
    secretariat's."""
    if minutes is None:
        return False
    if secretariat:
        return True
    if minutes.status is MinutesStatus.PUBLISHED:
        return True
    return minutes.status is MinutesStatus.APPROVED and details


# --- action items ---------------------------------------------------------------------------


def add_action_item(
    session: Session, meeting: Meeting, *, what: str, who: str = "", due_date: date | None = None
) -> ActionItem:
    _refuse_cancelled(meeting)
    what = (what or "").strip()
    if not what:
        raise RecordsError("what", gettext("Say what is to be done."))
    held_on = local_day(meeting.start_at)
    if due_date is not None and due_date < held_on:
        raise RecordsError(
            "due_date",
            gettext("The due date cannot be before the meeting (%(day)s).",
                    day=format_day(held_on)),
        )
    item = ActionItem(
        meeting_id=meeting.id, body_id=meeting.body_id, what=what, who=(who or "").strip(),
        due_date=due_date,
    )
    session.add(item)
    session.flush()
    record(session, "action_item_added", target=item, summary=what[:200],
           after={"meeting_id": meeting.id, "who": item.who, "due_date": due_date})
    return item


def mark_action_item_done(session: Session, item: ActionItem) -> ActionItem:
    if item.done_at is not None:
        raise RecordsError(None, gettext("The action item is already done."))
    item.done_at = utcnow()
    session.flush()
    record(session, "action_item_done", target=item, summary=item.what[:200],
           after={"done_at": item.done_at})
    return item


def open_action_items(
    session: Session, body_id: int, before: datetime, *, open_at: datetime | None = None
) -> list[ActionItem]:
    """The body's items from meetings before a moment that are not done; with open_at, also
    those done since that moment (they were still open then)."""
    still_open = ActionItem.done_at.is_(None)
    if open_at is not None:
        still_open = or_(still_open, ActionItem.done_at >= as_utc(open_at))
    return list(
        session.scalars(
            select(ActionItem)
            .join(ActionItem.meeting)
            .where(ActionItem.body_id == body_id, Meeting.start_at < as_utc(before), still_open)
            .options(contains_eager(ActionItem.meeting))
            .order_by(Meeting.start_at, ActionItem.id)
        )
    )


def action_items_of(session: Session, meeting: Meeting) -> tuple[list[ActionItem], list[ActionItem]]:
    """This meeting's items, and those carried onto it from the body's earlier meetings:
    open when it began, whether or not done since. One query."""
    start = as_utc(meeting.start_at)
    rows = session.scalars(
        select(ActionItem)
        .join(ActionItem.meeting)
        .where(
            or_(
                ActionItem.meeting_id == meeting.id,
                and_(
                    ActionItem.body_id == meeting.body_id,
                    Meeting.start_at < start,
                    or_(ActionItem.done_at.is_(None), ActionItem.done_at >= start),
                ),
            )
        )
        .options(contains_eager(ActionItem.meeting))
        .order_by(Meeting.start_at, ActionItem.id)
    ).all()
    own = [i for i in rows if i.meeting_id == meeting.id]
    carried = [i for i in rows if i.meeting_id != meeting.id]
    return own, carried


# --- the meeting page's section -------------------------------------------------------------


@dataclass
class RecordsSection:
    """What the meeting page shows after the meeting, already decided per viewer."""

    manage: bool  # the secretariat: forms and drafts
    details: bool  # the secretariat and the participants
    year: int
    begun: bool
    cancelled: bool
    attendance: list[Attendance]
    counts: Tally
    minutes: Minutes | None
    show_minutes: bool
    items: list[ActionItem]
    carried: list[ActionItem]
    forms: dict = field(default_factory=dict)

    @property
    def attended(self) -> list[Attendance]:
        return [a for a in self.attendance if a.presence is Presence.PRESENT]


def page_context(session: Session, meeting: Meeting, *, details: bool | None = None) -> dict:
    """What the meeting page's records section shows: {"records": RecordsSection}. A page
    that has already asked sees_details(meeting) passes the answer as `details`."""
    from forum.meetings.access import sees_details

    manage = is_secretariat()
    if details is None:
        details = sees_details(meeting)
    details = manage or details
    minutes = meeting.minutes
    attendance: list[Attendance] = []
    own: list[ActionItem] = []
    carried: list[ActionItem] = []
    if details:
        attendance = sorted(
            recorded_attendance(session, meeting),
            key=lambda a: (a.role is AttendanceRole.GUEST, a.region.code if a.region else "",
                           a.person.family_name, a.person.given_name),
        )
        own, carried = action_items_of(session, meeting)
    section = RecordsSection(
        manage=manage,
        details=details,
        year=local_day(meeting.start_at).year,
        begun=has_begun(meeting),
        cancelled=meeting.is_cancelled,
        attendance=attendance,
        counts=tally(attendance),
        minutes=minutes,
        show_minutes=minutes_visible(minutes, secretariat=manage, details=details),
        items=own,
        carried=carried,
    )
    if manage:
        from forum.meetings.records_forms import (
            ActionItemForm,
            ApproveMinutesForm,
            DoneForm,
            MinutesForm,
            PublishMinutesForm,
        )

        minutes_form = MinutesForm(formdata=None)
        minutes_form.text.data = minutes.text if minutes else ""
        section.forms = {
            "minutes": minutes_form,
            "approve": ApproveMinutesForm(formdata=None),
            "publish": PublishMinutesForm(formdata=None),
            "action": ActionItemForm(formdata=None),
            "done": DoneForm(formdata=None),
        }
    return {"records": section}


# --- the attendance overview ----------------------------------------------------------------


@dataclass
class RegionLine:
    region: Region
    by_body: dict[int, Tally]
    majority: int = 0
    opposition: int = 0


@dataclass
class MeetingBalance:
    meeting: Meeting
    majority: int = 0
    opposition: int = 0
    recorded: bool = False  # attendance is recorded for the meeting


@dataclass
class AttendanceOverview:
    year: int
    bodies: list[Body]
    held: dict[int, int]  # body id -> meetings held in the year
    recorded: dict[int, int]  # body id -> of those, meetings with attendance recorded
    regions: list[RegionLine]
    totals: dict[int, Tally]
    balance: list[MeetingBalance]  # the politicians' meetings held, in order
    majority: int = 0
    opposition: int = 0

    @property
    def political_bodies(self) -> list[Body]:
        return [b for b in self.bodies if any(s.side is not Side.NONE for s in b.seats)]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as the forum lives it, in Stockholm, as UTC moments."""
    return (
        datetime(year, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC),
    )


def attendance_overview(
    session: Session, year: int, *, now: datetime | None = None
) -> AttendanceOverview:
    """Per region and body: the seats filled at the year's meetings held (by the member or a
    substitute), excused and absent; among attending politicians, majority and opposition.
    Five queries whatever the data."""
    now = now or utcnow()
    start, end = year_bounds(year)
    bodies = forum_bodies(session)
    regions = list(session.scalars(select(Region).order_by(Region.code)))
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(
                Meeting.start_at >= start,
                Meeting.start_at < end,
                Meeting.status != MeetingStatus.CANCELLED,
            )
            .options(joinedload(Meeting.body))
            .order_by(Meeting.start_at, Meeting.id)
        )
    )
    held_meetings = [m for m in meetings if has_begun(m, now)]
    held_ids = {m.id for m in held_meetings}
    groups = session.execute(
        select(
            Attendance.meeting_id,
            Attendance.region_id,
            Attendance.role,
            Attendance.presence,
            Attendance.side,
            func.count(Attendance.id),
        )
        .join(Attendance.meeting)
        .where(
            Meeting.start_at >= start,
            Meeting.start_at < end,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .group_by(
            Attendance.meeting_id,
            Attendance.region_id,
            Attendance.role,
            Attendance.presence,
            Attendance.side,
        )
    ).all()

    body_of = {m.id: m.body_id for m in meetings}
    # Bodies outside the forum's own (a working group) still show if they met.
    known = {b.id for b in bodies}
    for m in held_meetings:
        if m.body_id not in known:
            bodies.append(m.body)
            known.add(m.body_id)
    lines = {r.id: RegionLine(r, {b.id: Tally() for b in bodies}) for r in regions}
    totals = {b.id: Tally() for b in bodies}
    balance = {m.id: MeetingBalance(m) for m in held_meetings}
    overview = AttendanceOverview(
        year=year,
        bodies=bodies,
        held={b.id: sum(1 for m in held_meetings if m.body_id == b.id) for b in bodies},
        recorded={b.id: 0 for b in bodies},
        regions=list(lines.values()),
        totals=totals,
        balance=[],
    )
    for meeting_id, region_id, role, presence, side, count in groups:
        if meeting_id not in held_ids:
            continue  # recorded ahead of time: not a meeting held yet
        balance[meeting_id].recorded = True
        body_id = body_of[meeting_id]
        totals[body_id].add(role, presence, count)
        line = lines.get(region_id) if region_id is not None else None
        if line is not None:
            line.by_body[body_id].add(role, presence, count)
        if presence is Presence.PRESENT and role is not AttendanceRole.GUEST and side:
            if side == Side.MAJORITY.value:
                balance[meeting_id].majority += count
                overview.majority += count
                if line is not None:
                    line.majority += count
            elif side == Side.OPPOSITION.value:
                balance[meeting_id].opposition += count
                overview.opposition += count
                if line is not None:
                    line.opposition += count
    political = {b.id for b in overview.political_bodies}
    overview.balance = [b for b in balance.values() if b.meeting.body_id in political]
    for b in balance.values():
        overview.recorded[b.meeting.body_id] += b.recorded
    return overview


# --- a bar chart, drawn by the template -----------------------------------------------------


@dataclass
class Segment:
    key: str
    value: int
    x: float
    width: float


@dataclass
class Bar:
    label: str
    y: float
    segments: list[Segment]
    total: int
    end: float  # where the bar ends, and its note begins
    note: str  # written after the bar, e.g. "3 of 4"


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    plot_width: int
    bars: list[Bar]
    maximum: int


def bar_chart(
    rows: list[tuple[str, list[tuple[str, int]], str]],
    *,
    width: int = 720,
    label_width: int = 210,
    note_width: int = 70,
    bar_height: int = 18,
    gap: int = 8,
    top: int = 8,
) -> Chart:
    """Horizontal stacked bars on one scale: rows of (label, [(key, value), …], note).
    Pure, so that the geometry is tested without a page."""
    maximum = max((sum(v for _, v in parts) for _, parts, _ in rows), default=0) or 1
    plot = width - label_width - note_width
    bars = []
    for index, (label, parts, note) in enumerate(rows):
        x = float(label_width)
        segments = []
        for key, value in parts:
            w = plot * value / maximum
            segments.append(Segment(key, value, round(x, 2), round(w, 2)))
            x += w
        bars.append(
            Bar(label, top + index * (bar_height + gap), segments, sum(v for _, v in parts),
                round(x, 2), note)
        )
    height = top * 2 + len(rows) * (bar_height + gap)
    return Chart(width, height, label_width, bar_height, plot, bars, maximum)
