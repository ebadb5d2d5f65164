"""Every write of the community app: one function per action, each taking a typed ``actor``,
asking ``organizations.access`` and auditing in its transaction. Bad input raises
``ValidationError`` and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, record_create, snapshot
from money import parse_amount
from organizations import access
from organizations.actors import Actor, SystemActor
from organizations.models import County, Organization, OrganizationKind, Role
from reinvestment.models import DirectInvestment, SocialDriverDomain
from wellness_fund.models import WellnessFund

from .access import ORG_CHANGE, PLAN_CHANGE
from .models import (
    AdvisoryBody,
    AdvisoryBodyType,
    AdvisoryMeeting,
    AdvisoryMember,
    CommunityHealthPlan,
    Constituency,
    Decision,
    DisparityReference,
    DisparityTarget,
    HealthPlanKind,
    HealthPriority,
    InvestmentMeeting,
    MeetingAttendance,
    MeetingStatus,
    MeetingTopic,
    OutcomeMeasure,
    PlanStatus,
    PriorityTag,
    ReinvestmentPlan,
    ReinvestmentPlanLine,
    ReinvestmentPlanTiming,
    ReinvestmentPlanVersion,
    StratifiedOutcome,
)

MAX_TEXT = 20_000


def _text(value: str | None, *, field: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({field: _("Text may not contain null characters.")})
    if required and not text:
        raise ValidationError({field: _("This is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return text


def _topics(meeting: AdvisoryMeeting, topics: Iterable[str]) -> None:
    titles = [_text(t, field="topics", limit=200) for t in topics]
    meeting.topics.all().delete()
    MeetingTopic.objects.bulk_create(
        [MeetingTopic(meeting=meeting, position=i, title=t) for i, t in enumerate((t for t in titles if t), start=1)])


def _actor_label(actor: Actor) -> str:
    return str(actor) if isinstance(actor, SystemActor) else actor.get_username()


# --- advisory bodies --------------------------------------------------------------------------


def advisory_body_create(
    *, actor: Actor, organization: Organization, body_type: AdvisoryBodyType, code: str, name: str,
    description: str = "", fund: WellnessFund | None = None, counties: Sequence[County] = (),
) -> AdvisoryBody:
    """A new advisory body of ``organization`` (a plan's compliance officers, an ACH's fund administrators)."""
    access.require_role(actor, organization, *ORG_CHANGE)
    if organization.kind not in (OrganizationKind.PLAN, OrganizationKind.ACH):
        raise ValidationError({"organization": _("An advisory body belongs to a health plan or an ACH.")})
    if fund is not None and fund.ach_id != organization.pk:
        raise ValidationError({"fund": _("The fund belongs to another ACH.")})
    body = AdvisoryBody(organization=organization, fund=fund, body_type=body_type, code=(code or "").strip(),
                        name=_text(name, field="name", required=True, limit=200),
                        description=_text(description, field="description"))
    body.full_clean()
    with transaction.atomic():
        body.save()
        body.counties.set(counties)
        record_create(actor=actor, action="community.advisory_body.create", obj=body, organization=organization)
    return body


def advisory_member_add(
    *, actor: Actor, body: AdvisoryBody, name: str, constituency: Constituency, joined_on: dt.date,
    email: str = "", name_public: bool = False,
) -> AdvisoryMember:
    access.require(actor, "change", body)
    member = AdvisoryMember(body=body, name=_text(name, field="name", required=True, limit=160),
                            email=(email or "").strip(), constituency=constituency, joined_on=joined_on,
                            name_public=name_public)
    member.full_clean()
    with transaction.atomic():
        member.save()
        record_create(actor=actor, action="community.advisory_member.add", obj=member,
                      organization=body.organization)
    return member


def advisory_member_leave(*, actor: Actor, member: AdvisoryMember, left_on: dt.date) -> AdvisoryMember:
    access.require(actor, "change", member)
    if member.left_on is not None:
        raise ValidationError({"left_on": _("This member already left the body.")})
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("A member cannot leave before joining.")})
    with transaction.atomic():
        before = snapshot(member, ["left_on"])
        member.left_on = left_on
        member.save(update_fields=["left_on"])
        record(actor=actor, action="community.advisory_member.leave", obj=member, before=before,
               after=snapshot(member, ["left_on"]), organization=member.body.organization)
    return member


def advisory_meeting_schedule(
    *, actor: Actor, body: AdvisoryBody, meets_on: dt.date, starts_at: dt.time | None = None, location: str = "",
    agenda: str = "", topics: Sequence[str] = (),
) -> AdvisoryMeeting:
    """Schedule a meeting; an agenda given now is posted now (the public page shows it)."""
    access.require(actor, "change", body)
    if not isinstance(meets_on, dt.date):
        raise ValidationError({"meets_on": _("Give the meeting's date.")})
    agenda_text = _text(agenda, field="agenda")
    meeting = AdvisoryMeeting(body=body, meets_on=meets_on, starts_at=starts_at,
                              location=_text(location, field="location", limit=255), agenda=agenda_text,
                              agenda_posted_at=timezone.now() if agenda_text else None)
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        _topics(meeting, topics)
        record_create(actor=actor, action="community.advisory_meeting.schedule", obj=meeting,
                      organization=body.organization)
    return meeting


def advisory_meeting_post_agenda(
    *, actor: Actor, meeting: AdvisoryMeeting, agenda: str, topics: Sequence[str] | None = None,
) -> AdvisoryMeeting:
    """Post (or replace) the agenda of a scheduled meeting."""
    access.require(actor, "change", meeting)
    text = _text(agenda, field="agenda", required=True)
    with transaction.atomic():
        meeting = AdvisoryMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise ValidationError({"status": _("The agenda is posted before the meeting; this one is %(s)s.")
                                   % {"s": meeting.get_status_display()}})
        before = snapshot(meeting, ["agenda", "agenda_posted_at"])
        meeting.agenda, meeting.agenda_posted_at = text, timezone.now()
        meeting.save(update_fields=["agenda", "agenda_posted_at"])
        if topics is not None:
            _topics(meeting, topics)
        record(actor=actor, action="community.advisory_meeting.post_agenda", obj=meeting, before=before,
               after=snapshot(meeting, ["agenda", "agenda_posted_at"]), organization=meeting.body.organization)
    return meeting


def advisory_meeting_record(
    *, actor: Actor, meeting: AdvisoryMeeting, notes: str, attendees: Sequence[AdvisoryMember] = (),
    public_attendees: int = 0, topics: Sequence[str] | None = None, notes_file: File | None = None,
    today: dt.date | None = None,
) -> AdvisoryMeeting:
    """Record a meeting as held: its notes (written text; a file is optional), who attended, topics.

    Refused for a meeting dated in the future, one already held or cancelled, and attendees who
    were not members of the body on that day.
    """
    access.require(actor, "change", meeting)
    today = today or timezone.localdate()
    text = _text(notes, field="notes", required=True)
    if isinstance(public_attendees, bool) or not isinstance(public_attendees, int) or public_attendees < 0:
        raise ValidationError({"public_attendees": _("Give a whole number of people, zero or more.")})
    with transaction.atomic():
        meeting = AdvisoryMeeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise ValidationError({"status": _("Only a scheduled meeting can be recorded as held; this one is %(s)s.")
                                   % {"s": meeting.get_status_display()}})
        if meeting.meets_on > today:
            raise ValidationError({"meets_on": _("A meeting dated in the future (%(d)s) cannot be recorded as held.")
                                   % {"d": meeting.meets_on.isoformat()}})
        people = list(attendees)
        for m in people:
            if m.body_id != meeting.body_id or not m.serves_on(meeting.meets_on):
                raise ValidationError({"attendees": _("%(name)s was not a member of this body on %(d)s.")
                                       % {"name": m.name, "d": meeting.meets_on.isoformat()}})
        before = snapshot(meeting, ["status", "notes", "public_attendees"])
        meeting.status = MeetingStatus.HELD
        meeting.notes, meeting.notes_posted_at = text, timezone.now()
        meeting.public_attendees = public_attendees
        if notes_file is not None:
            meeting.notes_file.save(notes_file.name or "notes", notes_file, save=False)
        meeting.save()
        MeetingAttendance.objects.bulk_create(
            [MeetingAttendance(meeting=meeting, member=m) for m in {m.pk: m for m in people}.values()])
        if topics is not None:
            _topics(meeting, topics)
        record(actor=actor, action="community.advisory_meeting.record", obj=meeting, before=before,
               after={**snapshot(meeting, ["status", "notes", "public_attendees", "notes_file"]),
                      "attendees": sorted(m.pk for m in people)},
               organization=meeting.body.organization)
    return meeting


def advisory_meeting_cancel(*, actor: Actor, meeting: AdvisoryMeeting, reason: str) -> AdvisoryMeeting:
    access.require(actor, "change", meeting)
    why = _text(reason, field="reason", required=True, limit=500)
    with transaction.atomic():
        meeting = AdvisoryMeeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise ValidationError({"status": _("Only a scheduled meeting can be cancelled.")})
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
        record(actor=actor, action="community.advisory_meeting.cancel", obj=meeting,
               before={"status": MeetingStatus.SCHEDULED}, after={"status": meeting.status}, reason=why,
               organization=meeting.body.organization)
    return meeting


# --- community health plans and priorities ------------------------------------------------------


def health_plan_create(
    *, actor: Actor, title: str, publisher: str, counties: Sequence[County], period_start: int, period_end: int,
    kind: str = HealthPlanKind.CHIP, url: str = "", region_name: str = "", priorities: Sequence[str] = (),
    verified: bool = False,
) -> CommunityHealthPlan:
    """Record a county's (or a region's) CHA/CHIP and its priorities (public reference data: site
    administrators)."""
    access.require_site_admin(actor)
    if not counties:
        raise ValidationError({"counties": _("Name the county (or the counties of the region) it covers.")})
    if len(counties) > 1 and not (region_name or "").strip():
        raise ValidationError({"region_name": _("A plan covering several counties names its region.")})
    doc = CommunityHealthPlan(kind=kind, title=_text(title, field="title", required=True, limit=255),
                              publisher=_text(publisher, field="publisher", required=True, limit=255),
                              region_name=_text(region_name, field="region_name", limit=120), url=url or "",
                              period_start=period_start, period_end=period_end, verified=verified)
    doc.full_clean()
    titles = [_text(t, field="priorities", limit=200) for t in priorities]
    if len(set(titles)) != len(titles) or "" in titles:
        raise ValidationError({"priorities": _("Give each priority once, with a title.")})
    with transaction.atomic():
        doc.save()
        doc.counties.set(counties)
        HealthPriority.objects.bulk_create(
            [HealthPriority(health_plan=doc, position=i, title=t) for i, t in enumerate(titles, start=1)])
        record(actor=actor, action="community.health_plan.create", obj=doc,
               after={**snapshot(doc), "counties": sorted(c.fips for c in counties), "priorities": titles})
    return doc


def _check_priority_covers(priority: HealthPriority, counties: Iterable[County], *, field: str = "priority") -> None:
    covered = set(priority.health_plan.counties.values_list("pk", flat=True))
    wanted = {c.pk for c in counties}
    if not covered & wanted:
        names = ", ".join(sorted(c.name for c in counties))
        raise ValidationError({field: _("“%(p)s” is a priority of %(doc)s, which does not cover %(where)s.")
                               % {"p": priority.title, "doc": priority.health_plan.title, "where": names}})


#: For the apps above (grants tag opportunities and awards): the same refusal of another county's CHIP.
check_priority_covers = _check_priority_covers


def priority_tag_investment(*, actor: Actor, priority: HealthPriority, investment: DirectInvestment) -> PriorityTag:
    """Tag a direct investment with a CHIP priority of its own county (the plan's staff)."""
    access.require_role(actor, investment.plan, *PLAN_CHANGE)
    _check_priority_covers(priority, [investment.county])
    if PriorityTag.objects.filter(priority=priority, direct_investment=investment).exists():
        raise ValidationError({"priority": _("The investment is already tagged with this priority.")})
    with transaction.atomic():
        tag = PriorityTag.objects.create(priority=priority, direct_investment=investment)
        record_create(actor=actor, action="community.priority_tag.investment", obj=tag, organization=investment.plan)
    return tag


def priority_tag_fund(*, actor: Actor, priority: HealthPriority, fund: WellnessFund) -> PriorityTag:
    """A fund declares a CHIP priority it funds (one of a county it serves; its fund administrators)."""
    access.require(actor, "change", fund)
    _check_priority_covers(priority, list(fund.counties.all()))
    if PriorityTag.objects.filter(priority=priority, fund=fund).exists():
        raise ValidationError({"priority": _("The fund already declares this priority.")})
    with transaction.atomic():
        tag = PriorityTag.objects.create(priority=priority, fund=fund)
        record_create(actor=actor, action="community.priority_tag.fund", obj=tag, organization=fund.ach)
    return tag


def priority_untag(*, actor: Actor, tag: PriorityTag) -> None:
    access.require(actor, "change", tag)
    org = tag.direct_investment.plan if tag.direct_investment_id else tag.fund.ach  # type: ignore[union-attr]
    with transaction.atomic():
        record(actor=actor, action="community.priority_tag.remove", obj=tag, before=snapshot(tag), organization=org)
        tag.delete()


# --- reinvestment plans ---------------------------------------------------------------------------


# --- advisory meetings where investments were discussed -----------------------------------------


def check_meeting_discussed(meeting: AdvisoryMeeting, organization: Organization, *, field: str = "meeting") -> None:
    """A record of ``organization`` may cite ``meeting`` as where it was discussed: a meeting of one of
    ``organization``'s own bodies, already held (status and date). For the apps above too (grants link
    awards to meetings of their fund's ACH)."""
    if meeting.body.organization_id != organization.pk:
        raise ValidationError({field: _("%(m)s is a meeting of another organization's body.") % {"m": str(meeting)}})
    if meeting.status != MeetingStatus.HELD or meeting.meets_on > timezone.localdate():
        raise ValidationError({field: _("%(m)s has not been held yet (%(s)s): link a meeting that took place.")
                               % {"m": str(meeting), "s": meeting.get_status_display()}})


def investment_meeting_link(*, actor: Actor, investment: DirectInvestment,
                            meeting: AdvisoryMeeting) -> InvestmentMeeting:
    """Record that ``investment`` was discussed at ``meeting`` (a held meeting of the plan's own bodies)."""
    access.require_role(actor, investment.plan, *PLAN_CHANGE)
    check_meeting_discussed(meeting, investment.plan)
    if InvestmentMeeting.objects.filter(direct_investment=investment, meeting=meeting).exists():
        raise ValidationError({"meeting": _("The investment is already linked to this meeting.")})
    try:
        with transaction.atomic():
            link = InvestmentMeeting.objects.create(direct_investment=investment, meeting=meeting)
            record_create(actor=actor, action="community.investment_meeting.link", obj=link,
                          organization=investment.plan)
    except IntegrityError as exc:  # the same link written concurrently
        raise ValidationError({"meeting": _("The investment is already linked to this meeting.")}) from exc
    return link


def investment_meeting_unlink(*, actor: Actor, link: InvestmentMeeting) -> None:
    plan = link.direct_investment.plan
    access.require_role(actor, plan, *PLAN_CHANGE)
    with transaction.atomic():
        record(actor=actor, action="community.investment_meeting.unlink", obj=link, before=snapshot(link),
               organization=plan)
        link.delete()


def _timing_for(jurisdiction: str, income_year: int) -> ReinvestmentPlanTiming:
    timing = (ReinvestmentPlanTiming.objects.filter(jurisdiction=jurisdiction, effective_from_year__lte=income_year)
              .order_by("-effective_from_year").first())
    if timing is None:
        raise ValidationError({"income_year": _("No reinvestment-plan timing is recorded for %(j)s and income year "
                                                "%(y)d.") % {"j": jurisdiction or "?", "y": income_year}})
    return timing


def _require_editable(rp: ReinvestmentPlan) -> None:
    if not rp.editable:
        raise ValidationError({"status": _("The plan is %(s)s; it changes only while a draft or returned.")
                               % {"s": rp.get_status_display()}})


def reinvestment_plan_create(*, actor: Actor, plan: Organization, income_year: int, narrative: str = "") -> ReinvestmentPlan:
    """Start the reinvestment plan of ``plan`` for ``income_year`` (one per cycle)."""
    access.require_role(actor, plan, *PLAN_CHANGE)
    if plan.kind != OrganizationKind.PLAN:
        raise ValidationError({"plan": _("Only a health plan writes a reinvestment plan.")})
    if isinstance(income_year, bool) or not isinstance(income_year, int) or not 1990 <= income_year <= 2200:
        raise ValidationError({"income_year": _("Give the income year, e.g. 2024.")})
    timing = _timing_for(plan.jurisdiction, income_year)
    text = _text(narrative, field="narrative")
    if ReinvestmentPlan.objects.filter(plan=plan, income_year=income_year).exists():
        raise ValidationError({"income_year": _("The plan already has a reinvestment plan for %(y)d.")
                               % {"y": income_year}})
    try:
        with transaction.atomic():
            rp = ReinvestmentPlan.objects.create(plan=plan, income_year=income_year, jurisdiction=plan.jurisdiction,
                                                 narrative=text, timing=timing,
                                                 deadline=timing.deadline_for(income_year))
            record_create(actor=actor, action="community.reinvestment_plan.create", obj=rp, organization=plan)
    except IntegrityError as exc:  # a concurrent create of the same cycle
        raise ValidationError({"income_year": _("The plan already has a reinvestment plan for %(y)d.")
                               % {"y": income_year}}) from exc
    return rp


def reinvestment_plan_line_add(
    *, actor: Actor, reinvestment_plan: ReinvestmentPlan, county: County, domain: str, amount: Decimal | str,
    description: str, priority: HealthPriority | None = None, currency: str = "USD",
) -> ReinvestmentPlanLine:
    access.require(actor, "change", reinvestment_plan)
    _require_editable(reinvestment_plan)
    if domain not in SocialDriverDomain.values:
        raise ValidationError({"domain": _("Unknown social-driver domain %(d)r.") % {"d": domain}})
    served = set(reinvestment_plan.plan.counties_served.values_list("pk", flat=True))
    if served and county.pk not in served:
        raise ValidationError({"county": _("%(c)s is not a county the plan serves.") % {"c": county.name}})
    if priority is not None:
        _check_priority_covers(priority, [county])
    value = parse_amount(amount, field="amount")
    text = _text(description, field="description", required=True, limit=255)
    with transaction.atomic():
        locked = ReinvestmentPlan.objects.select_for_update().get(pk=reinvestment_plan.pk)
        _require_editable(locked)
        line = ReinvestmentPlanLine.objects.create(reinvestment_plan=locked, county=county, domain=domain,
                                                   priority=priority, description=text, amount=value,
                                                   amount_currency=currency)
        record_create(actor=actor, action="community.reinvestment_plan.line_add", obj=line,
                      organization=reinvestment_plan.plan)
    return line


def reinvestment_plan_line_remove(*, actor: Actor, line: ReinvestmentPlanLine) -> None:
    rp = line.reinvestment_plan
    access.require(actor, "change", rp)
    with transaction.atomic():
        locked = ReinvestmentPlan.objects.select_for_update().get(pk=rp.pk)
        _require_editable(locked)
        record(actor=actor, action="community.reinvestment_plan.line_remove", obj=line, before=snapshot(line),
               organization=rp.plan)
        line.delete()


def reinvestment_plan_update(
    *, actor: Actor, reinvestment_plan: ReinvestmentPlan, narrative: str | None = None,
    meetings: Sequence[AdvisoryMeeting] | None = None,
) -> ReinvestmentPlan:
    """Change the narrative and the advisory meetings behind the plan (held meetings of the plan's own
    bodies, or of an ACH's)."""
    rp = reinvestment_plan
    access.require(actor, "change", rp)
    _require_editable(rp)
    if meetings is not None:
        for m in meetings:
            if m.status != MeetingStatus.HELD:
                raise ValidationError({"meetings": _("Cite meetings that were held (%(m)s is %(s)s).")
                                       % {"m": str(m), "s": m.get_status_display()}})
            org = m.body.organization
            if org.pk != rp.plan_id and org.kind != OrganizationKind.ACH:
                raise ValidationError({"meetings": _("%(m)s is a meeting of another plan's body.") % {"m": str(m)}})
    with transaction.atomic():
        locked = ReinvestmentPlan.objects.select_for_update().get(pk=rp.pk)
        _require_editable(locked)
        before = {**snapshot(locked, ["narrative"]), "meetings": sorted(locked.meetings.values_list("pk", flat=True))}
        if narrative is not None:
            locked.narrative = _text(narrative, field="narrative")
            locked.save(update_fields=["narrative"])
        if meetings is not None:
            locked.meetings.set(meetings)
        after = {**snapshot(locked, ["narrative"]), "meetings": sorted(locked.meetings.values_list("pk", flat=True))}
        record(actor=actor, action="community.reinvestment_plan.update", obj=locked, before=before, after=after,
               organization=locked.plan)
    return locked


def _line_json(line: ReinvestmentPlanLine) -> dict[str, object]:
    return {"county": line.county.fips, "county_name": line.county.name, "domain": line.domain,
            "priority": line.priority_id, "priority_title": line.priority.title if line.priority else "",
            "description": line.description, "amount": str(line.amount.amount),
            "currency": str(line.amount.currency)}


def reinvestment_plan_submit(*, actor: Actor, reinvestment_plan: ReinvestmentPlan) -> ReinvestmentPlan:
    """Submit the plan to the regulator: a new version with a frozen copy of its lines and meetings."""
    rp = reinvestment_plan
    access.require(actor, "change", rp)
    with transaction.atomic():
        locked = ReinvestmentPlan.objects.select_for_update().select_related("plan").get(pk=rp.pk)
        if not locked.editable:
            raise ValidationError({"status": _("The plan was already submitted (it is %(s)s).")
                                   % {"s": locked.get_status_display()}})
        lines = list(locked.lines.select_related("county", "priority"))
        if not lines:
            raise ValidationError({"lines": _("Add at least one planned line before submitting.")})
        currencies = {str(line.amount.currency) for line in lines}
        if len(currencies) > 1:
            raise ValidationError({"lines": _("Give every line in one currency.")})
        total = sum((line.amount.amount for line in lines), Decimal("0.00"))
        number = locked.versions.count() + 1
        ReinvestmentPlanVersion.objects.create(
            reinvestment_plan=locked, number=number, narrative=locked.narrative,
            lines=[_line_json(line) for line in lines],
            meeting_ids=sorted(locked.meetings.values_list("pk", flat=True)),
            total=total, total_currency=currencies.pop(), submitted_at=timezone.now(),
            submitted_by=_actor_label(actor))
        before = locked.status
        locked.status = PlanStatus.SUBMITTED
        locked.save(update_fields=["status"])
        record(actor=actor, action="community.reinvestment_plan.submit", obj=locked, before={"status": before},
               after={"status": locked.status, "version": number, "total": str(total)}, organization=locked.plan)
    return locked


def _regulator_of(actor: Actor, jurisdiction: str) -> Organization | None:
    if isinstance(actor, SystemActor):
        return None
    return (Organization.objects.filter(kind=OrganizationKind.REGULATOR, jurisdiction=jurisdiction,
                                        memberships__user=actor, memberships__role=Role.REGULATOR,
                                        memberships__is_active=True).order_by("pk").first())


def reinvestment_plan_decide(
    *, actor: Actor, reinvestment_plan: ReinvestmentPlan, decision: str, comments: str = "",
) -> ReinvestmentPlan:
    """The regulator of the plan's jurisdiction approves the submitted version or returns it with comments."""
    rp = reinvestment_plan
    access.require(actor, "decide", rp)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Approve or return the plan.")})
    text = _text(comments, field="comments")
    if decision == Decision.RETURNED and not text:
        raise ValidationError({"comments": _("Say what must change when returning a plan.")})
    with transaction.atomic():
        locked = ReinvestmentPlan.objects.select_for_update().select_related("plan").get(pk=rp.pk)
        if locked.status != PlanStatus.SUBMITTED:
            raise ValidationError({"status": _("Only a submitted plan can be decided (this one is %(s)s).")
                                   % {"s": locked.get_status_display()}})
        version = locked.versions.order_by("-number").first()
        assert version is not None  # a submitted plan has its version
        version.decision, version.decided_at, version.decided_by = decision, timezone.now(), _actor_label(actor)
        version.comments, version.regulator = text, _regulator_of(actor, locked.plan.jurisdiction)
        version.save()
        locked.status = PlanStatus.APPROVED if decision == Decision.APPROVED else PlanStatus.RETURNED
        locked.save(update_fields=["status"])
        record(actor=actor, action=f"community.reinvestment_plan.{decision}", obj=locked,
               before={"status": PlanStatus.SUBMITTED}, after={"status": locked.status, "version": version.number},
               reason=text, organization=locked.plan)
    return locked


# --- stratified outcomes ------------------------------------------------------------------------------


def _count(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({field: _("Give a whole number of people, zero or more.")})
    return value


def outcomes_record(
    *, actor: Actor, measure: OutcomeMeasure, period_start: dt.date, period_end: dt.date,
    dimension: str, counts: Mapping[str, int], denominators: Mapping[str, int] | None = None,
    fund: WellnessFund | None = None, direct_investment: DirectInvestment | None = None,
) -> list[StratifiedOutcome]:
    """Record one dimension of a measure for a period, of a wellness fund (its fund administrators) or
    of a direct investment, including a program the plan operates itself (the plan's own staff): exactly
    one of ``fund`` and ``direct_investment``.

    Every category must belong to the equity taxonomy in force at the end of the period; a
    dimension already recorded for the same target, measure and period is refused (nothing replaced).
    """
    from .selectors import category_in_force, taxonomy_in_force

    if (fund is None) == (direct_investment is None):
        raise ValidationError({"direct_investment": _("Record outcomes for one wellness fund or one direct "
                                                      "investment, not both and not neither.")})
    organization: Organization
    if direct_investment is not None:
        access.require_role(actor, direct_investment.plan, *PLAN_CHANGE)
        target: WellnessFund | DirectInvestment = direct_investment
        organization = direct_investment.plan
        same_target: dict[str, object] = {"direct_investment": direct_investment}
    else:
        assert fund is not None
        access.require(actor, "change", fund)
        target, organization, same_target = fund, fund.ach, {"fund": fund}
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date) or period_end < period_start:
        raise ValidationError({"period_end": _("Give a period whose end is on or after its start.")})
    if not counts:
        raise ValidationError({"counts": _("Give at least one category with its count.")})
    taxonomy = taxonomy_in_force(period_end)
    denominators = denominators or {}
    unknown = sorted(set(denominators) - set(counts))
    if unknown:
        raise ValidationError({"denominators": _("%(c)r has a denominator but no count.") % {"c": unknown[0]}})
    rows = []
    for category, raw in counts.items():
        category_in_force(dimension, category, period_end)
        count = _count(raw, field="counts")
        denominator = None
        if category in denominators:
            denominator = _count(denominators[category], field="denominators")
            if denominator < count:
                raise ValidationError({"denominators": _("The count of %(c)r exceeds its denominator.")
                                       % {"c": category}})
        rows.append(StratifiedOutcome(fund=fund, direct_investment=direct_investment, measure=measure,
                                      period_start=period_start, period_end=period_end, taxonomy=taxonomy,
                                      dimension=dimension, category=category, count=count,
                                      denominator=denominator))
    already = ValidationError({"dimension": _("%(d)s is already recorded for this measure and period.")
                               % {"d": dimension}})
    try:
        with transaction.atomic():
            if StratifiedOutcome.objects.select_for_update().filter(
                    **same_target, measure=measure, period_start=period_start, period_end=period_end,
                    dimension=dimension).exists():
                raise already
            created = StratifiedOutcome.objects.bulk_create(rows)
            record(actor=actor, action="community.outcomes.record", obj=target, organization=organization,
                   after={"measure": measure.code, "period": [period_start, period_end], "dimension": dimension,
                          "taxonomy": taxonomy.version, "counts": dict(counts),
                          "denominators": dict(denominators)})
    except IntegrityError as exc:  # recorded at the same moment by someone else
        raise already from exc
    return created


# --- disparity targets ---------------------------------------------------------------------------------


def _reduction(value: object) -> Decimal:
    try:
        reduction = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        reduction = Decimal("NaN")
    if not reduction.is_finite() or not Decimal("0") < reduction <= Decimal("1"):
        raise ValidationError({"reduction": _("Give the share of the gap to close as a fraction above 0 and at "
                                              "most 1 (0.25 = reduce the gap by 25%).")})
    return reduction.quantize(Decimal("0.0001"))


def disparity_target_set(
    *, actor: Actor, fund: WellnessFund, measure: OutcomeMeasure, dimension: str, group: str, reference: str,
    baseline_start: dt.date, baseline_end: dt.date, target_start: dt.date, target_end: dt.date,
    reduction: Decimal | str, reference_category: str = "", rationale: str = "",
) -> DisparityTarget:
    """A disparity goal for a fund's stratified measure (its fund administrators): reduce the gap
    between ``group`` and the overall rate (``reference="overall"``) or a reference group
    (``reference="group"`` with ``reference_category``) by ``reduction`` by the target period.

    Refused: no reference named; a reference group missing, equal to the group, or not a reported
    category; a category not in the taxonomy in force at the baseline's end; periods out of order;
    a baseline period without outcomes (numerator and denominator) for the group and its
    reference, or without a gap to reduce; the same target twice.
    """
    from .selectors import baseline_gap, category_in_force, taxonomy_in_force

    access.require(actor, "change", fund)
    dates = {"baseline_start": baseline_start, "baseline_end": baseline_end, "target_start": target_start,
             "target_end": target_end}
    for name, value in dates.items():
        if not isinstance(value, dt.date):
            raise ValidationError({name: _("Give a date.")})
    if baseline_end < baseline_start:
        raise ValidationError({"baseline_end": _("The baseline period ends on or after it starts.")})
    if target_start <= baseline_end:
        raise ValidationError({"target_start": _("The target period starts after the baseline period ends.")})
    if target_end < target_start:
        raise ValidationError({"target_end": _("The target period ends on or after it starts.")})
    if reference not in DisparityReference.values:
        raise ValidationError({"reference": _("Name what the gap is measured against: the overall rate or a "
                                              "reference group.")})
    other = (reference_category or "").strip()
    if reference == DisparityReference.GROUP and not other:
        raise ValidationError({"reference_category": _("Name the reference group the gap is measured against.")})
    if reference == DisparityReference.OVERALL:
        other = ""
    if other and other == group:
        raise ValidationError({"reference_category": _("The reference group must differ from the group.")})
    share = _reduction(reduction)
    text = _text(rationale, field="rationale")
    taxonomy = taxonomy_in_force(baseline_end)
    for field, code in (("group", group), ("reference_category", other)):
        if not code:
            continue
        try:
            category = category_in_force(dimension, code, baseline_end)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
        if category.kind != "reported":
            raise ValidationError({field: _("%(c)s is not a group with a rate of its own.") % {"c": category.name}})
    gap = baseline_gap(fund=fund, measure=measure, dimension=dimension, group=group, reference_category=other,
                       period_start=baseline_start, period_end=baseline_end)
    if gap is None:
        raise ValidationError({"baseline_start": _("No baseline: record the outcomes of this dimension for the "
                                                   "baseline period, with denominators, first.")})
    if gap == 0:
        raise ValidationError({"group": _("There is no gap between the group and its reference in the baseline "
                                          "period.")})
    target = DisparityTarget(fund=fund, measure=measure, taxonomy=taxonomy, dimension=dimension, group=group,
                             reference=reference, reference_category=other, baseline_start=baseline_start,
                             baseline_end=baseline_end, target_start=target_start, target_end=target_end,
                             reduction=share, rationale=text, set_by=_actor_label(actor))
    if DisparityTarget.objects.filter(fund=fund, measure=measure, dimension=dimension, group=group,
                                      target_end=target_end).exists():
        raise ValidationError({"group": _("This group already has a target ending on that day.")})
    try:
        with transaction.atomic():
            target.save()
            record_create(actor=actor, action="community.disparity_target.set", obj=target, organization=fund.ach)
    except IntegrityError as exc:
        raise ValidationError({"group": _("This group already has a target ending on that day.")}) from exc
    return target

