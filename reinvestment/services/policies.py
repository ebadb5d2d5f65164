"""Policy versions: copying one to a new draft version, and publishing a draft.

Policies are versioned data edited in the admin. A new version is prepared as a copy of an
existing one (every term, bracket, earmark, applicability row and term source), marked draft:
no obligation, page, API list or report uses a draft. Publishing it makes it the version in
effect for the years it covers (the highest published version wins). Site administrators only;
each step audited in its transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from audit.services import record, record_create, snapshot
from organizations import access
from organizations.actors import Actor

from ..models import (
    PolicyApplicability,
    PolicyBracket,
    PolicyEarmark,
    PolicyTermSource,
    ReinvestmentPolicy,
)

#: The rows that belong to one policy version, copied with it, every field included (an earmark's
#: ``requires_cha_chip_alignment`` and ``requires_equity_partner`` among them).
PARTS = (PolicyBracket, PolicyEarmark, PolicyApplicability, PolicyTermSource)


def policy_version_copy(*, actor: Actor, policy: ReinvestmentPolicy) -> ReinvestmentPolicy:
    """A new draft version of ``policy``'s code (the next number), a copy of ``policy`` with all
    its rows; the original is not changed."""
    access.require_site_admin(actor)
    with transaction.atomic():
        # Serialize numbering per code: lock every version of it.
        versions = ReinvestmentPolicy.objects.select_for_update().filter(code=policy.code)
        number = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
        source = ReinvestmentPolicy.objects.get(pk=policy.pk)
        copy = ReinvestmentPolicy.objects.get(pk=policy.pk)
        copy.pk = None
        copy._state.adding = True
        copy.version, copy.is_draft = number, True
        copy.notes = (f"Draft copied from version {source.version}.\n{source.notes}").strip()
        copy.save()
        for model in PARTS:
            manager: Any = model.objects
            rows = list(manager.filter(policy=source))
            for row in rows:
                row.pk = None
                row._state.adding = True
                row.policy = copy
            manager.bulk_create(rows)
        record_create(actor=actor, action="reinvestment.policy.copy", obj=copy)
    return copy


def policy_version_publish(*, actor: Actor, policy: ReinvestmentPolicy) -> ReinvestmentPolicy:
    """Publish a draft version: from now on it is the version in effect for the years it covers."""
    access.require_site_admin(actor)
    with transaction.atomic():
        draft = ReinvestmentPolicy.objects.select_for_update().get(pk=policy.pk)
        if not draft.is_draft:
            raise ValidationError({"policy": gettext("%(code)s version %(version)s is already published.")
                                            % {"code": draft.code, "version": draft.version}})
        if not draft.applicability.exists():
            raise ValidationError({"policy": (
                gettext("%(code)s version %(version)s says nowhere it applies: add its jurisdictions and lines of "
                        "business before publishing it.") % {"code": draft.code, "version": draft.version})})
        before = snapshot(draft)
        draft.is_draft = False
        draft.save(update_fields=["is_draft"])
        record(actor=actor, action="reinvestment.policy.publish", obj=draft, before=before, after=snapshot(draft))
    return draft
