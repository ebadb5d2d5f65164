"""Writes: requesting, generating, attesting and filing reports (each audited in its transaction).

Generation is idempotent. An artifact's ``idempotency_key`` is the SHA-256 of
(kind, parameters, hash of the inputs snapshot, generator version, attestation):
when a run's inputs give a key that already exists, the run points at that
artifact and nothing new is stored, so a retried task never produces two. Files
are stored under names derived from the key, so a file left by an attempt that
failed before its row was written is overwritten, not duplicated.

Versions: new inputs for the same document give version N+1; old versions and
their files stay (artifact rows are append-only).

Attestation (plan compliance officer only, once per state of a report's data) needs
the income year to be final (every live financial year of it locked, with its
audited statement uploaded) and the officer to type their full name and title as
on file; it re-reads the data, refuses when it no longer matches the draft
version, and stores the final PDF (no DRAFT watermark, the officer's name, title
and time on the attestation page) with its SHA-256. Filing marks a final report
as filed to the regulator, who can then download it; it is refused when the year
is no longer final (amended since). A filed report is never altered: when its data
change afterwards, ``filings_check_data`` flags it as superseded by new data and tells
the plan and the regulator; the plan then attests and files a new version, which
records the filing it amends.

Who acts: a request needs the kind's requesting role at the document's organization;
the worker generates (and records progress and failures) as ``WORKER``, on behalf of the
requester already checked; attesting and filing are a compliance officer's own acts, so a
system actor may not do them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, record_create, snapshot
from notifications.models import InboxKind
from notifications.services import inbox_notify, members, regulators_of
from organizations import access
from organizations.actors import Actor, User
from organizations.dates import date_words
from organizations.models import Organization
from reinvestment.applicability import attestation_problems, attested_years

from .access import ATTEST_ROLES, REQUEST_ROLES
from .data import Attestation, plain
from .kinds import GENERATOR_VERSION, DocumentKind, document_kind, params_key
from .models import (
    ReportArtifact,
    ReportAttestation,
    ReportDataChange,
    ReportFiling,
    ReportRun,
    RunStatus,
)
from .twin import canonical_json
from .twin import inputs_hash as _hash

logger = logging.getLogger(__name__)

#: Keys of a document's data that do not count as inputs (the day the data was read).
VOLATILE_KEYS = frozenset({"as_of"})


def inputs_hash(data: Any) -> str:
    """Hash of the data a document is rendered from (its dataclass), less the volatile keys."""
    return _hash({k: v for k, v in plain(data).items() if k not in VOLATILE_KEYS})

RUN_FIELDS = ["status", "progress", "error", "attempts", "artifact", "started_at", "finished_at"]


def report_request(*, actor: Actor, kind: str, params: dict[str, Any], enqueue: bool = True) -> ReportRun:
    """Queue a run generating ``kind`` with ``params``; the worker starts after commit
    (``enqueue=False``: the caller runs ``report_generate`` itself, e.g. the demo loader).

    Bad parameters or missing data (no financials, no obligation, no policy...)
    raise ValidationError and nothing is written. When the task queue (the broker) is
    unreachable the run is kept, queued, and ``run.enqueued`` is False: the beat's
    ``reporting.requeue_waiting`` sends it once the queue answers again.
    """
    dk = document_kind(kind)
    clean = dk.normalize(params)
    organization = dk.resolve(clean)
    access.require_role(actor, organization, *REQUEST_ROLES[kind])
    clean = dk.completed(clean)
    with transaction.atomic():
        run = ReportRun.objects.create(kind=kind, organization=organization, params=clean,
                                       params_key=params_key(clean),
                                       requested_by=actor if isinstance(actor, User) else None)
        record_create(actor=actor, action="report_run.request", obj=run)
        if enqueue:
            transaction.on_commit(lambda: setattr(run, "enqueued", run_enqueue(run_id=run.pk)))
    return run


def run_enqueue(*, run_id: int) -> bool:
    """Send run ``run_id`` to the workers; False (logged, nothing lost: the run stays queued) when
    the broker cannot be reached. Sending twice is harmless: ``report_generate`` is idempotent."""
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from .tasks import report_run_execute

    try:
        report_run_execute.apply_async((run_id,), retry=False)
    except BrokerUnavailable as exc:  # kombu raises it for a refused or lost broker connection
        logger.warning("report run %s stays queued: the task queue is unavailable (%s)", run_id,
                       type(exc).__name__)
        return False
    return True


def runs_requeue_waiting(*, older_than: dt.timedelta) -> int:
    """Send again the runs still queued (never started) after ``older_than``: those whose sending
    failed while the broker was down. The number sent."""
    cutoff = timezone.now() - older_than
    ids = list(ReportRun.objects.filter(status=RunStatus.QUEUED, attempts=0, created_at__lt=cutoff)
               .order_by("pk").values_list("pk", flat=True)[:500])
    return sum(1 for run_id in ids if run_enqueue(run_id=run_id))


def _require_generator(actor: Actor, run: ReportRun) -> None:
    """Generating a run is the worker's (or a person who may request that kind there)."""
    access.require_role(actor, run.organization, *REQUEST_ROLES[run.kind])


def _update_run(run: ReportRun, action: str, *, actor: Actor, **changes: Any) -> None:
    before = snapshot(run, RUN_FIELDS)
    for name, value in changes.items():
        setattr(run, name, value)
    run.save(update_fields=list(changes))
    record(actor=actor, action=action, obj=run, before=before, after=snapshot(run, RUN_FIELDS))


def report_run_progress(*, actor: Actor, run_id: int, progress: int) -> None:
    """Record progress (percent) of a running run in its own transaction, so readers see it."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(of=("self",)).select_related("organization").get(pk=run_id)
        _require_generator(actor, run)
        if run.status == RunStatus.RUNNING and progress > run.progress:
            _update_run(run, "report_run.progress", actor=actor, progress=progress)


def report_run_fail(*, actor: Actor, run_id: int, error: str) -> ReportRun:
    """Mark a run failed with ``error`` (unless it already finished)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(of=("self",)).select_related("organization").get(pk=run_id)
        _require_generator(actor, run)
        if run.status != RunStatus.DONE:
            _update_run(run, "report_run.fail", actor=actor, status=RunStatus.FAILED, error=error[:4000] or "failed",
                        finished_at=timezone.now())
    return run


def _idempotency_key(kind: str, key: str, data_hash: str, attestation: str | None) -> str:
    material = canonical_json([kind, key, data_hash, GENERATOR_VERSION, attestation])
    return hashlib.sha256(material.encode()).hexdigest()


def _store(name: str, content: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)  # left by an attempt that failed before its row was written
    return default_storage.save(name, ContentFile(content))


def _render_and_store(*, dk: DocumentKind, organization: Any, params: dict[str, Any], key: str,
                      data: Any, data_hash: str, idem: str, version: int, final: bool,
                      generated_at: dt.datetime) -> ReportArtifact:
    report_id = dk.report_id(params, version)
    pdf, twin = dk.render(data, report_id=report_id, version=version, generated_at=generated_at,
                          draft=dk.attestable and not final)
    twin_json, twin_zip = twin.json, twin.zip
    base = f"reports/{dk.kind}/{idem[:2]}/{idem}"
    artifact = ReportArtifact(
        kind=dk.kind, organization=organization, params=params, params_key=key, version=version,
        is_final=final, report_id=report_id,
        sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
        twin_sha256=hashlib.sha256(twin_json).hexdigest(),
        inputs_snapshot=json.loads(canonical_json(data)), inputs_hash=data_hash,
        generator_version=GENERATOR_VERSION, idempotency_key=idem, generated_at=generated_at,
    )
    artifact.file.name = _store(f"{base}.pdf", pdf)
    artifact.twin_json.name = _store(f"{base}.json", twin_json)
    artifact.twin_zip.name = _store(f"{base}.zip", twin_zip)
    artifact.save()
    return artifact


def report_generate(*, actor: Actor, run_id: int) -> ReportArtifact:
    """Generate (or find) the artifact of a run; safe to call again for the same run."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(of=("self",)).select_related("organization").get(pk=run_id)
        _require_generator(actor, run)
        if run.status == RunStatus.DONE and run.artifact_id:
            return run.artifact  # type: ignore[return-value]
        _update_run(run, "report_run.start", actor=actor, status=RunStatus.RUNNING, progress=5, error="",
                    attempts=run.attempts + 1, started_at=timezone.now())
    dk = document_kind(run.kind)
    data = dk.collect(run.params)
    report_run_progress(actor=actor, run_id=run_id, progress=40)
    data_hash = inputs_hash(data)
    idem = _idempotency_key(run.kind, run.params_key, data_hash, None)
    artifact = ReportArtifact.objects.filter(idempotency_key=idem).first()
    if artifact is None:
        with transaction.atomic():
            # Serialize version numbering: lock the owning organization's row.
            Organization.objects.select_for_update().get(pk=run.organization_id)
            artifact = ReportArtifact.objects.filter(idempotency_key=idem).first()
            if artifact is None:
                latest = ReportArtifact.objects.filter(
                    kind=run.kind, params_key=run.params_key, is_final=False).aggregate(v=Max("version"))["v"]
                artifact = _render_and_store(
                    dk=dk, organization=run.organization, params=run.params, key=run.params_key,
                    data=data, data_hash=data_hash, idem=idem, version=(latest or 0) + 1, final=False,
                    generated_at=timezone.localtime())
                record_create(actor=actor, action="report_artifact.create", obj=artifact)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        _update_run(run, "report_run.done", actor=actor, status=RunStatus.DONE, progress=100, artifact=artifact,
                    error="", finished_at=timezone.now())
    return artifact


def _typed(value: str) -> str:
    """A typed confirmation compared without regard to case or runs of spaces."""
    return " ".join((value or "").split()).casefold()


def _filing_gate(artifact: ReportArtifact, *, doing: str) -> dict[str, Any]:
    """What the report rests on; ValidationError (naming each problem) unless every live
    financial year of the plan's income year is locked and carries its audited statement."""
    plan, year = artifact.organization, artifact.params.get("year")
    if not isinstance(year, int):
        return {}
    # A report of one obligation rests on that obligation's line of business only.
    line = artifact.params.get("line_of_business") or None
    problems = attestation_problems(plan=plan, income_year=year, line_of_business=line)
    if problems:
        heading = (_("%(report)s cannot be attested yet.") if doing == "attested"
                   else _("%(report)s cannot be filed yet.")) % {"report": artifact.report_id}
        raise ValidationError({"artifact": [heading, *problems]})
    return {"plan": plan.code, "income_year": year,
            "financial_years": attested_years(plan=plan, income_year=year, line_of_business=line)}


def report_attest(*, actor: Actor, artifact: ReportArtifact, typed_name: str = "",
                  typed_title: str = "") -> ReportAttestation:
    """Attest a draft version as the plan's compliance officer; stores the signed final PDF.

    The officer confirms by typing their full name and job title as on file (``typed_name``,
    ``typed_title``; case and spacing aside). The income year must be final: every live
    financial year of the plan for the report's year locked, with its audited statement.

    Refused (ValidationError, nothing written) when the document is not attestable, the
    typed confirmation is missing or does not match, the income year is not locked or has
    no audited statement, a version of it is already attested, or its data changed since
    the draft; AccessDenied without the compliance role. The audit event of the attestation
    states what was attested: the draft and final versions with their SHA-256 and the
    locked financial years (with their audited statements) the report rests on.
    """
    dk = document_kind(artifact.kind)
    if not isinstance(actor, User):
        raise access.AccessDenied("Only a signed-in compliance officer may attest a report.")
    access.require_role(actor, artifact.organization, *ATTEST_ROLES)
    if not dk.attestable:
        raise ValidationError({"kind": _("A %(kind)s is not attested.") % {"kind": artifact.get_kind_display()}})
    if artifact.is_final:
        raise ValidationError({"artifact": _("%(report)s is already the attested final report.")
                                            % {"report": artifact.report_id}})
    name = actor.get_full_name().strip()
    title = (getattr(actor, "title", "") or "").strip()
    if not name or not title:
        raise ValidationError({"title": _("The attesting officer needs a full name and a job title on file.")})
    errors = {}
    if not _typed(typed_name):
        errors["typed_name"] = _("Type your full name to confirm the attestation.")
    elif _typed(typed_name) != _typed(name):
        errors["typed_name"] = _("The name typed is not the full name on file for your account.")
    if not _typed(typed_title):
        errors["typed_title"] = _("Type your job title to confirm the attestation.")
    elif _typed(typed_title) != _typed(title):
        errors["typed_title"] = _("The title typed is not the job title on file for your account.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        draft = ReportArtifact.objects.select_for_update().select_related("organization").get(pk=artifact.pk)
        existing = (ReportAttestation.objects.select_related("draft")
                    .filter(kind=draft.kind, params_key=draft.params_key, inputs_hash=draft.inputs_hash).first())
        if existing is not None:
            raise ValidationError({"artifact": _(
                "%(report)s was already attested (version %(version)s) by %(name)s on %(day)s.")
                % {"report": draft.report_id, "version": existing.draft.version, "name": existing.name,
                   "day": date_words(timezone.localtime(existing.attested_at).date())}})
        rests_on = _filing_gate(draft, doing="attested")
        data = dk.collect(draft.params)
        data_hash = inputs_hash(data)
        if data_hash != draft.inputs_hash:
            raise ValidationError({"artifact": _(
                "The data changed since %(report)s was generated; generate a new version and attest that one.")
                % {"report": draft.report_id}})
        attested_at = timezone.localtime()
        signature = Attestation(name=name, title=title, attested_at=attested_at)
        data = dataclasses.replace(data, attestation=signature)
        idem = _idempotency_key(draft.kind, draft.params_key, data_hash, canonical_json(signature))
        final = _render_and_store(
            dk=dk, organization=draft.organization, params=draft.params, key=draft.params_key, data=data,
            data_hash=data_hash, idem=idem, version=draft.version, final=True, generated_at=attested_at)
        record_create(actor=actor, action="report_artifact.create", obj=final)
        attestation = ReportAttestation.objects.create(
            draft=draft, final=final, kind=draft.kind, params_key=draft.params_key, attested_by=actor,
            name=name, title=title, attested_at=attested_at, final_sha256=final.sha256, inputs_hash=data_hash)
        record(actor=actor, action="report.attest", obj=attestation, organization=draft.organization,
               after=snapshot(attestation) | {"attested": {
                   "statement": (f"{name}, {title}, attests {draft.report_id} (version {draft.version}, "
                                 f"draft SHA-256 {draft.sha256}; final SHA-256 {final.sha256})."),
                   "draft_report_id": draft.report_id, "version": draft.version, "draft_sha256": draft.sha256,
                   "final_sha256": final.sha256, "inputs_hash": data_hash, **rests_on,
                   "confirmed_by_typing": {"name": typed_name.strip(), "title": typed_title.strip()},
               }})
    return attestation


def report_file(*, actor: Actor, artifact: ReportArtifact) -> ReportFiling:
    """File an attested final report with the regulator (plan compliance officer only, once)."""
    if not isinstance(actor, User):
        raise access.AccessDenied("Only a signed-in compliance officer may file a report.")
    access.require_role(actor, artifact.organization, *ATTEST_ROLES)
    if not artifact.is_final:
        raise ValidationError({"artifact": _("%(report)s is a draft: attest it before filing.")
                                            % {"report": artifact.report_id}})
    with transaction.atomic():
        final = ReportArtifact.objects.select_for_update().select_related("organization").get(pk=artifact.pk)
        if ReportFiling.objects.filter(artifact=final).exists():
            raise ValidationError({"artifact": _("%(report)s was already filed.") % {"report": final.report_id}})
        # The year must still be final (an amendment since the attestation reopens it).
        _filing_gate(final, doing="filed")
        # A later version of a report already filed amends the latest filing of it.
        amends = (ReportFiling.objects.select_for_update(of=("self",)).select_related("artifact")
                  .filter(artifact__kind=final.kind, artifact__params_key=final.params_key, amended_by__isnull=True)
                  .order_by("-filed_at", "-pk").first())
        if amends is not None and amends.artifact.version >= final.version:
            raise ValidationError({"artifact": _(
                "%(report)s is older than the version already filed (%(filed)s, version %(version)s).")
                % {"report": final.report_id, "filed": amends.artifact.report_id,
                   "version": amends.artifact.version}})
        filing = ReportFiling.objects.create(artifact=final, filed_by=actor, filed_at=timezone.now(), amends=amends)
        record_create(actor=actor, action="report.file", obj=filing, organization=final.organization)
        inbox_notify(actor=actor, kind=InboxKind.COMPLIANCE_REPORT_FILED, about=final,
                     link=reverse("reporting:artifact", args=[final.pk]),
                     recipients=regulators_of(final.organization.jurisdiction),
                     params={"organization": str(final.organization), "report": final.report_id},
                     organization=final.organization)
    return filing


def _data_change_recipients(filing: ReportFiling) -> list[User]:
    plan = filing.artifact.organization
    roles = {*ATTEST_ROLES, *REQUEST_ROLES.get(filing.artifact.kind, ())}
    return [*members(plan, *roles), *regulators_of(plan.jurisdiction)]


def filings_check_data(*, actor: Actor) -> list[ReportDataChange]:
    """Re-read the data behind every filed report still in force (not amended by a later
    filing); flag each whose data no longer give the figures filed, and tell the plan's
    compliance and finance staff and the regulators of its jurisdiction, once per new state
    of the data. The filed report itself is never altered. Run by the beat (``BEAT``) or a
    site administrator; returns the flags written.
    """
    access.require_site_admin(actor)
    flagged: list[ReportDataChange] = []
    in_force = (ReportFiling.objects.filter(amended_by__isnull=True)
                .select_related("artifact", "artifact__organization").order_by("pk"))
    for filing in in_force:
        artifact = filing.artifact
        dk = document_kind(artifact.kind)
        data_hash = inputs_hash(dk.collect(artifact.params))
        if data_hash == artifact.inputs_hash:
            continue
        with transaction.atomic():
            locked = ReportFiling.objects.select_for_update().get(pk=filing.pk)
            if locked.data_changes.filter(inputs_hash=data_hash).exists():
                continue
            change = ReportDataChange.objects.create(filing=locked, detected_at=timezone.now(),
                                                     inputs_hash=data_hash)
            record(actor=actor, action="report.data_changed", obj=change, organization=artifact.organization,
                   after=snapshot(change) | {"report_id": artifact.report_id, "version": artifact.version,
                                             "filed_inputs_hash": artifact.inputs_hash})
            inbox_notify(actor=actor, kind=InboxKind.FILED_REPORT_DATA_CHANGED, about=artifact,
                         link=reverse("reporting:artifact", args=[artifact.pk]),
                         recipients=_data_change_recipients(locked),
                         params={"organization": str(artifact.organization), "report": artifact.report_id},
                         organization=artifact.organization)
            flagged.append(change)
    return flagged
