"""Helpers shared by management commands: who acts, and reading an input file."""

from pathlib import Path

from django.core.management.base import CommandError

from .actors import COMMAND, Actor
from .models import User


def acting_user(username: str | None) -> Actor:
    """The active user named by ``--user``, or ``COMMAND`` (the operator's command) when none is given."""
    if not username:
        return COMMAND
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    return user


def read_input_file(path: str) -> bytes:
    """The bytes of ``path``, or a CommandError saying why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
