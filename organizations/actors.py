"""The typed actor every writing service takes: a ``User`` or a named ``SystemActor``.

Never ``None`` and never ``Any``: a service that writes declares ``actor: Actor`` and asks
``organizations.access`` (``require``/``require_role``), which lets a system actor through and
checks a person's memberships.
"""

from __future__ import annotations

from audit.actors import BEAT, COMMAND, DEMO, MIGRATION, SETUP, SIGN_IN, WORKER, SystemActor

from .models import User

Actor = User | SystemActor

__all__ = ["BEAT", "COMMAND", "DEMO", "MIGRATION", "SETUP", "SIGN_IN", "WORKER", "Actor", "SystemActor", "User"]
