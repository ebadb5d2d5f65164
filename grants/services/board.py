"""Board decisions: governing bodies, meetings, agenda items, recusals, votes, minutes.

Rules (all figures come from the body's versioned ``VotingRule`` rows):

* **Seated voting members** of a body on the meeting day are its ``Seat`` rows
  in force that day with ``is_voting``.
* **Recusal.** A seated member affiliated with an applicant on an item
  (``organizations.selectors.affiliated_pairs``) is recused automatically
  when the item is put on the agenda and again when its vote opens (if a seat
  or affiliation changed in between); the recusal is recorded with its
  reason. A seated member who declared a conflict of interest (or was found
  affiliated) when reviewing an application on the item is recused the same
  way, with the review's reason, and ``ballot_cast`` refuses their vote even
  if the conflict was declared after the vote opened. Any other member may
  recuse with a reason before voting.
* **Quorum** is checked when the chair opens a vote: the voting members
  present and not recused must meet the quorum rule against its basis
  (e.g. more than half of the seated voting members not recused).
* **Passing** is computed when the chair closes the vote: the yes votes must
  meet the passing rule against its basis (e.g. more than half of the votes
  cast, abstentions not counted). The close freezes the figures on the item
  and writes a ``Decision`` per application (approved at the item's amount,
  or declined).
* Only the chair (a seat with ``is_chair``) opens and closes votes, adjourns
  and certifies. Certified minutes are immutable: every service here refuses,
  and on PostgreSQL triggers refuse any change (migration 0003).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, record_create, snapshot
from money import format_usd, parse_amount
from organizations.actors import Actor
from organizations.dates import date_words
from organizations.models import Organization, User
from organizations.selectors import affiliated_pairs

from .. import states
from ..models import (
    AgendaEntry,
    AgendaItem,
    AgendaItemKind,
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Attendance,
    Ballot,
    BallotChoice,
    ConflictSource,
    Decision,
    DecisionOutcome,
    GoverningBody,
    Meeting,
    MeetingStatus,
    Recusal,
    ReviewAssignment,
    Seat,
    VoteOutcome,
    VoteStatus,
    VotingRule,
    VotingRuleBasis,
    VotingRuleKind,
)
from ..selectors.board import seats_on
from ._common import error, locked, person, require_ach_person, require_fund_admin

# --------------------------------------------------------------------------- helpers


def _meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localdate(meeting.scheduled_at)


def _voting_member_ids(meeting: Meeting) -> set[int]:
    return {s.member_id for s in seats_on(meeting.body, _meeting_day(meeting)) if s.is_voting}


def _require_chair(actor: Actor, meeting: Meeting) -> None:
    require_ach_person(actor, meeting.body.ach)
    day = _meeting_day(meeting)
    if not any(s.is_chair and s.member_id == actor.pk for s in seats_on(meeting.body, day)):
        raise error("actor", _("Only the chair of %(body)s can do this.") % {"body": meeting.body})


def _require_not_certified(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CERTIFIED:
        raise error("meeting", _("The minutes of this meeting are certified and cannot change."))


def _audit_org(meeting: Meeting) -> Organization:
    return meeting.body.ach


def _review_conflicts(item: AgendaItem, member_ids: set[int], *,
                      declared_only: bool = False) -> list[ReviewAssignment]:
    """Review assignments of ``member_ids`` marked conflicted on an application of ``item``
    (``declared_only``: those the reviewer declared, not found from an affiliation)."""
    qs = ReviewAssignment.objects.filter(
        application__agenda_entries__item=item, reviewer_id__in=member_ids, status=AssignmentStatus.CONFLICTED)
    if declared_only:
        qs = qs.filter(conflict_source=ConflictSource.DECLARED)
    return list(qs.select_related("application").order_by("reviewer_id", "pk"))


def _conflict_reason(conflict: ReviewAssignment) -> str:
    """The recusal's reason for a conflict found at review, as the minutes record it (stored text,
    in the language of the other recorded reasons)."""
    return (f"Conflict of interest declared at review of “{conflict.application.project_title}”: "
            f"{conflict.conflict_reason or '—'}")


def _auto_recusals(*, actor: Actor, item: AgendaItem) -> list[Recusal]:
    """Record a recusal for each seated member affiliated with an applicant on ``item``, or with a
    conflict of interest recorded when reviewing one of its applications (idempotent)."""
    meeting = item.meeting
    seat_members = {s.member_id: s for s in seats_on(meeting.body, _meeting_day(meeting))}
    applicants = {e.application.applicant_id: e.application.applicant for e in
                  item.entries.select_related("application__applicant")}
    pairs = affiliated_pairs(user_ids=seat_members, organization_ids=applicants, on=_meeting_day(meeting))
    existing = set(item.recusals.values_list("member_id", flat=True))
    created = []
    for member_id, org_id in sorted(pairs):
        if member_id in existing:
            continue
        recusal = Recusal.objects.create(
            item=item, member_id=member_id, automatic=True,
            reason=f"Affiliated with the applicant {applicants[org_id]} (recorded affiliation).",
        )
        existing.add(member_id)
        record_create(actor=actor, action="grants.board.recuse_automatic", obj=recusal,
                      organization=_audit_org(meeting))
        created.append(recusal)
    for conflict in _review_conflicts(item, set(seat_members)):
        if conflict.reviewer_id in existing:
            continue
        recusal = Recusal.objects.create(
            item=item, member_id=conflict.reviewer_id, automatic=True,
            reason=_conflict_reason(conflict)[:500],
        )
        existing.add(conflict.reviewer_id)
        record_create(actor=actor, action="grants.board.recuse_review_conflict", obj=recusal,
                      organization=_audit_org(meeting))
        created.append(recusal)
    return created


# --------------------------------------------------------------------------- bodies and seats


def governing_body_create(
    *, actor: Actor, ach: Organization, name: str, quorum_rule: VotingRule, passing_rule: VotingRule
) -> GoverningBody:
    require_fund_admin(actor, ach)
    if quorum_rule.kind != VotingRuleKind.QUORUM:
        raise error("quorum_rule", _("%(rule)s is not a quorum rule.") % {"rule": quorum_rule})
    if passing_rule.kind != VotingRuleKind.PASSING:
        raise error("passing_rule", _("%(rule)s is not a passing rule.") % {"rule": passing_rule})
    with transaction.atomic():
        body = GoverningBody(ach=ach, name=name, quorum_rule=quorum_rule, passing_rule=passing_rule)
        body.full_clean()
        body.save()
        record_create(actor=actor, action="grants.board.body_create", obj=body, organization=ach)
    return body


def seat_add(
    *, actor: Actor, body: GoverningBody, member: User, seated_on: dt.date, is_chair: bool = False,
    is_voting: bool = True, title: str = "", left_on: dt.date | None = None,
) -> Seat:
    require_fund_admin(actor, body.ach)
    with transaction.atomic():
        if is_chair and any(s.is_chair for s in seats_on(body, seated_on)):
            raise error("is_chair", _("%(body)s already has a chair seated on %(day)s.")
                        % {"body": body, "day": date_words(seated_on)})
        seat = Seat(body=body, member=member, seated_on=seated_on, is_chair=is_chair, is_voting=is_voting,
                    title=title, left_on=left_on)
        seat.full_clean()
        seat.save()
        record_create(actor=actor, action="grants.board.seat_add", obj=seat, organization=body.ach)
    return seat


# --------------------------------------------------------------------------- meetings


def meeting_schedule(
    *, actor: Actor, body: GoverningBody, title: str, scheduled_at: dt.datetime, location: str = ""
) -> Meeting:
    require_fund_admin(actor, body.ach)
    if timezone.is_naive(scheduled_at):
        raise error("scheduled_at", _("Give a date-time with its time zone."))
    with transaction.atomic():
        meeting = Meeting(body=body, title=title, scheduled_at=scheduled_at, location=location)
        meeting.full_clean()
        meeting.save()
        record_create(actor=actor, action="grants.board.meeting_schedule", obj=meeting, organization=body.ach)
    return meeting


def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    entries: Sequence[tuple[Application, Decimal | str]],
    motion: str = "",
) -> AgendaItem:
    """Put one application (or a slate of them) before the board, each at the amount to approve.

    Every application must be recommended, to a fund of this body's ACH, and
    the amount at most the amount requested. Affiliated members are recused
    automatically.
    """
    require_fund_admin(actor, meeting.body.ach)
    _require_not_certified(meeting)
    if not entries:
        raise error("entries", _("An agenda item needs at least one application."))
    cleaned: list[tuple[Application, Decimal]] = []
    seen: set[int] = set()
    for application, raw in entries:
        amount = parse_amount(raw, field="entries")
        if application.pk in seen:
            raise error("entries", _("%(application)s appears twice.") % {"application": application})
        seen.add(application.pk)
        if application.opportunity.fund.ach_id != meeting.body.ach_id:
            raise error("entries", _("%(application)s is not for a fund of %(ach)s.")
                        % {"application": application, "ach": meeting.body.ach.code})
        if application.status != ApplicationStatus.RECOMMENDED:
            raise error("entries", _("%(application)s is %(status)s, not recommended.")
                        % {"application": application, "status": application.get_status_display().lower()})
        if AgendaEntry.objects.filter(application=application,
                                      item__vote_status__in=[VoteStatus.PENDING, VoteStatus.OPEN]).exists():
            raise error("entries", _("%(application)s is already on an agenda item awaiting its vote.")
                        % {"application": application})
        if amount > application.requested_amount.amount:
            raise error("entries", _("%(application)s: %(amount)s is more than the %(requested)s requested.")
                        % {"application": application, "amount": format_usd(amount),
                           "requested": format_usd(application.requested_amount.amount)})
        cleaned.append((application, amount))
    with transaction.atomic():
        current = locked(meeting)
        _require_not_certified(current)
        if current.status == MeetingStatus.ADJOURNED:
            raise error("meeting", _("The meeting is adjourned."))
        number = (current.items.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        item = AgendaItem.objects.create(
            meeting=current, number=number, title=title, motion=motion,
            kind=AgendaItemKind.APPLICATION if len(cleaned) == 1 else AgendaItemKind.SLATE,
        )
        AgendaEntry.objects.bulk_create(
            [AgendaEntry(item=item, application=a, amount=amount) for a, amount in cleaned]
        )
        record(actor=actor, action="grants.board.agenda_item_add", obj=item,
               after=snapshot(item) | {"entries": [{"application": a.pk, "amount": amount} for a, amount in cleaned]},
               organization=_audit_org(current))
        _auto_recusals(actor=actor, item=item)
    return item


def meeting_start(*, actor: Actor, meeting: Meeting) -> Meeting:
    _require_chair(actor, meeting)
    with transaction.atomic():
        current = locked(meeting)
        states.require_transition(states.MEETING, current.status, MeetingStatus.IN_SESSION)
        before = snapshot(current, ["status", "started_at"])
        current.status, current.started_at = MeetingStatus.IN_SESSION, timezone.now()
        current.save(update_fields=["status", "started_at"])
        record(actor=actor, action="grants.board.meeting_start", obj=current, before=before,
               after=snapshot(current, ["status", "started_at"]), organization=_audit_org(current))
    meeting.status = current.status
    return current


def attendance_record(*, actor: Actor, meeting: Meeting, members: Iterable[User]) -> list[Attendance]:
    """The chair records which seated members are present (adds to those already recorded)."""
    _require_chair(actor, meeting)
    wanted = {m.pk: m for m in members}
    with transaction.atomic():
        current = locked(meeting)
        _require_not_certified(current)
        if current.status != MeetingStatus.IN_SESSION:
            raise error("meeting", _("Attendance is recorded while the meeting is in session."))
        seated = {s.member_id for s in seats_on(current.body, _meeting_day(current))}
        not_seated = [str(m) for pk, m in wanted.items() if pk not in seated]
        if not_seated:
            raise error("members", _("Not seated on %(body)s: %(people)s.")
                        % {"body": current.body, "people": ", ".join(not_seated)})
        already = set(current.attendance.values_list("member_id", flat=True))
        rows = [Attendance(meeting=current, member_id=pk) for pk in sorted(wanted) if pk not in already]
        Attendance.objects.bulk_create(rows)
        record(actor=actor, action="grants.board.attendance", obj=current,
               after={"present_added": [r.member_id for r in rows]}, organization=_audit_org(current))
    return rows


def recusal_declare(*, actor: Actor, item: AgendaItem, reason: str) -> Recusal:
    """A seated member steps aside from ``item`` (before casting a vote on it)."""
    require_ach_person(actor, item.meeting.body.ach)
    member = person(actor)
    if not reason.strip():
        raise error("reason", _("Give the reason for the recusal."))
    with transaction.atomic():
        current = locked(item)
        meeting = current.meeting
        _require_not_certified(meeting)
        if member.pk not in {s.member_id for s in seats_on(meeting.body, _meeting_day(meeting))}:
            raise error("member", _("You are not seated on this governing body."))
        if current.vote_status == VoteStatus.CLOSED:
            raise error("item", _("The vote on this item is closed."))
        if current.recusals.filter(member=member).exists():
            raise error("member", _("You are already recused from this item."))
        if current.ballots.filter(member=member).exists():
            raise error("member", _("A member who has voted on the item cannot recuse from it."))
        recusal = Recusal.objects.create(item=current, member=member, automatic=False, reason=reason.strip())
        record_create(actor=actor, action="grants.board.recuse", obj=recusal, organization=_audit_org(meeting))
    return recusal


def _eligible_present(item: AgendaItem) -> tuple[set[int], set[int], set[int]]:
    """(seated voting, recused, present voting not recused) member ids for ``item``."""
    voting = _voting_member_ids(item.meeting)
    recused = set(item.recusals.values_list("member_id", flat=True)) & voting
    present = set(item.meeting.attendance.values_list("member_id", flat=True)) & voting
    return voting, recused, present - recused


def _quorum_basis(rule: VotingRule, voting: set[int], recused: set[int]) -> int:
    if rule.basis == VotingRuleBasis.SEATED:
        return len(voting)
    if rule.basis == VotingRuleBasis.SEATED_NOT_RECUSED:
        return len(voting - recused)
    raise error("quorum_rule", _("The basis “%(basis)s” does not apply to a quorum.") % {"basis": rule.basis})


def vote_open(*, actor: Actor, item: AgendaItem, mover: User, seconder: User) -> AgendaItem:
    """The chair opens the vote on a moved and seconded item, if a quorum is present."""
    _require_chair(actor, item.meeting)
    with transaction.atomic():
        meeting = locked(item.meeting)
        current = locked(item)
        _require_not_certified(meeting)
        if meeting.status != MeetingStatus.IN_SESSION:
            raise error("meeting", _("Votes are held while the meeting is in session."))
        states.require_transition(states.VOTE, current.vote_status, VoteStatus.OPEN, field="vote_status")
        if meeting.items.filter(vote_status=VoteStatus.OPEN).exists():
            raise error("vote_status", _("Another vote is open; close it first."))
        _auto_recusals(actor=actor, item=current)
        voting, recused, eligible = _eligible_present(current)
        for role, person in (("mover", mover), ("seconder", seconder)):
            if person.pk not in eligible:
                raise error(role, _("The mover must be a voting member present and not recused.") if role == "mover"
                            else _("The seconder must be a voting member present and not recused."))
        if mover.pk == seconder.pk:
            raise error("seconder", _("The seconder must be someone other than the mover."))
        rule = meeting.body.quorum_rule
        basis = _quorum_basis(rule, voting, recused)
        if not rule.is_met(len(eligible), basis):
            raise error("quorum", _("No quorum: %(present)s voting member(s) present and not recused; %(needed)s "
                                    "needed (%(rule)s).")
                        % {"present": len(eligible), "needed": rule.required(basis), "rule": rule.description})
        before = snapshot(current, ["vote_status", "mover", "seconder", "opened_at"])
        current.vote_status = VoteStatus.OPEN
        current.mover, current.seconder, current.opened_at = mover, seconder, timezone.now()
        current.save(update_fields=["vote_status", "mover", "seconder", "opened_at"])
        record(actor=actor, action="grants.board.vote_open", obj=current, before=before,
               after=snapshot(current, ["vote_status", "mover", "seconder", "opened_at"]),
               organization=_audit_org(meeting))
    item.vote_status = current.vote_status
    return current


def ballot_cast(*, actor: Actor, item: AgendaItem, choice: str) -> Ballot:
    """A voting member present and not recused votes yes, no or abstain while the vote is open."""
    require_ach_person(actor, item.meeting.body.ach)
    member = person(actor)
    if choice not in {c.value for c in BallotChoice}:
        raise error("choice", _("“%(choice)s” is not a vote (yes, no or abstain).") % {"choice": choice})
    with transaction.atomic():
        current = locked(item)
        _require_not_certified(current.meeting)
        if current.vote_status != VoteStatus.OPEN:
            raise error("vote_status", _("The vote on this item is not open."))
        voting, recused, eligible = _eligible_present(current)
        member_id = member.pk
        conflicts = _review_conflicts(current, {member_id}, declared_only=True)
        if conflicts:
            raise error("member", _("You declared a conflict of interest when reviewing “%(title)s”, which is on "
                                    "this item: you cannot vote on it.")
                        % {"title": conflicts[0].application.project_title})
        if member_id in recused:
            raise error("member", _("You are recused from this item and cannot vote."))
        if member_id not in voting:
            raise error("member", _("You are not a seated voting member."))
        if member_id not in eligible:
            raise error("member", _("You are not recorded as present."))
        ballot = Ballot.objects.filter(item=current, member=member).first()
        before = snapshot(ballot, ["choice"]) if ballot else None
        if ballot is None:
            ballot = Ballot(item=current, member=member)
        ballot.choice = choice
        ballot.save()
        record(actor=actor, action="grants.board.ballot", obj=ballot, before=before,
               after=snapshot(ballot, ["item", "member", "choice"]), organization=_audit_org(current.meeting))
    return ballot


def _passing_basis(rule: VotingRule, *, yes: int, no: int, voting: set[int], recused: set[int],
                   eligible: set[int]) -> int:
    if rule.basis == VotingRuleBasis.VOTES_CAST:
        return yes + no
    if rule.basis == VotingRuleBasis.PRESENT_NOT_RECUSED:
        return len(eligible)
    if rule.basis == VotingRuleBasis.SEATED_NOT_RECUSED:
        return len(voting - recused)
    return len(voting)


def vote_close(*, actor: Actor, item: AgendaItem) -> AgendaItem:
    """The chair closes the vote; the outcome follows from the passing rule; decisions are written."""
    _require_chair(actor, item.meeting)
    with transaction.atomic():
        meeting = locked(item.meeting)
        current = locked(item)
        _require_not_certified(meeting)
        states.require_transition(states.VOTE, current.vote_status, VoteStatus.CLOSED, field="vote_status")
        voting, recused, eligible = _eligible_present(current)
        choices = list(current.ballots.filter(member_id__in=eligible).values_list("choice", flat=True))
        yes, no, abstain = (choices.count(c) for c in ("yes", "no", "abstain"))
        rule = meeting.body.passing_rule
        basis = _passing_basis(rule, yes=yes, no=no, voting=voting, recused=recused, eligible=eligible)
        passed = rule.is_met(yes, basis)
        quorum_basis = _quorum_basis(meeting.body.quorum_rule, voting, recused)
        before = snapshot(current)
        now = timezone.now()
        current.vote_status = VoteStatus.CLOSED
        current.outcome = VoteOutcome.PASSED if passed else VoteOutcome.FAILED
        current.closed_at = now
        current.seated_count, current.recused_count = len(voting), len(recused)
        current.present_count = len(eligible)
        current.quorum_required = meeting.body.quorum_rule.required(quorum_basis)
        current.yes_count, current.no_count, current.abstain_count = yes, no, abstain
        current.save()
        record(actor=actor, action="grants.board.vote_close", obj=current, before=before,
               after=snapshot(current), organization=_audit_org(meeting))
        for entry in current.entries.select_related("application"):
            application = Application.objects.select_for_update().get(pk=entry.application_id)
            target = ApplicationStatus.APPROVED if passed else ApplicationStatus.DECLINED
            states.require_transition(states.APPLICATION, application.status, target)
            decision = Decision.objects.create(
                application=application, item=current, decided_at=now,
                outcome=DecisionOutcome.APPROVED if passed else DecisionOutcome.DECLINED,
                approved_amount=entry.amount if passed else None,
            )
            record_create(actor=actor, action="grants.board.decision", obj=decision,
                          organization=_audit_org(meeting))
            before_app = snapshot(application, ["status"])
            application.status = target
            application.save(update_fields=["status"])
            record(actor=actor, action="grants.application.decided", obj=application, before=before_app,
                   after=snapshot(application, ["status"]), organization=application.applicant)
    item.vote_status, item.outcome = current.vote_status, current.outcome
    return current


def meeting_adjourn(*, actor: Actor, meeting: Meeting, notes: str | None = None) -> Meeting:
    _require_chair(actor, meeting)
    with transaction.atomic():
        current = locked(meeting)
        states.require_transition(states.MEETING, current.status, MeetingStatus.ADJOURNED)
        if current.items.filter(vote_status=VoteStatus.OPEN).exists():
            raise error("meeting", _("Close the open vote before adjourning."))
        before = snapshot(current, ["status", "adjourned_at", "minutes_notes"])
        current.status, current.adjourned_at = MeetingStatus.ADJOURNED, timezone.now()
        if notes is not None:
            current.minutes_notes = notes
        current.save(update_fields=["status", "adjourned_at", "minutes_notes"])
        record(actor=actor, action="grants.board.meeting_adjourn", obj=current, before=before,
               after=snapshot(current, ["status", "adjourned_at", "minutes_notes"]),
               organization=_audit_org(current))
    meeting.status = current.status
    return current


def minutes_certify(*, actor: Actor, meeting: Meeting, notes: str | None = None) -> Meeting:
    """The chair certifies the minutes of an adjourned meeting; from then on nothing of it changes."""
    _require_chair(actor, meeting)
    with transaction.atomic():
        current = locked(meeting)
        states.require_transition(states.MEETING, current.status, MeetingStatus.CERTIFIED)
        before = snapshot(current, ["status", "certified_at", "certified_by", "minutes_notes"])
        if notes is not None:
            current.minutes_notes = notes
        current.status, current.certified_at, current.certified_by = MeetingStatus.CERTIFIED, timezone.now(), actor
        current.save(update_fields=["status", "certified_at", "certified_by", "minutes_notes"])
        record(actor=actor, action="grants.board.minutes_certify", obj=current, before=before,
               after=snapshot(current, ["status", "certified_at", "certified_by", "minutes_notes"]),
               organization=_audit_org(current))
    meeting.status = current.status
    return current
