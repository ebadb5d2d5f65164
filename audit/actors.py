"""Who acts: a signed-in person, or a named part of the system.

Every service that writes takes ``actor: Actor`` (``organizations.actors.Actor`` narrows the
person to the project's ``User``). A person is checked against the access registry
(``organizations.access``); a ``SystemActor`` is trusted code that never runs on behalf of a
request: the Celery beat, report workers, data migrations, management commands, the demo
loader and the sign-in guard. It is named, so the audit trail says which part of the system
wrote (its audit label is ``str(actor)``, e.g. ``system:beat``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SystemActor:
    """A named part of the system that writes without a person behind it."""

    name: str

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise ValueError("A system actor has a name (what part of the system acts).")

    def __str__(self) -> str:
        return f"system:{self.name}"

    # Shapes shared with a user, so code that reads an actor needs no special case.
    is_authenticated = False
    is_active = True
    is_superuser = False
    pk = None


#: The Celery beat's scheduled tasks (reminders, outbox, housekeeping).
BEAT = SystemActor("beat")
#: Report generation in a worker, on behalf of the run's requester (already checked).
WORKER = SystemActor("worker")
#: Data migrations.
MIGRATION = SystemActor("migration")
#: The demo loader (``load_demo``).
DEMO = SystemActor("demo")
#: Management commands run by an operator on the server.
COMMAND = SystemActor("command")
#: Benchmarks and test setup that build data without a person behind it.
SETUP = SystemActor("setup")
#: The sign-in guard, recording failed attempts and lockouts of a username nobody proved to own.
SIGN_IN = SystemActor("sign-in")
