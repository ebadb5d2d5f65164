"""Load the demo data set: idempotent, so it can run at every start."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from organizations.demo import logins


class Command(BaseCommand):
    help = "Create demo organizations, users, funds, grants and reports (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        for path in settings.DEMO_LOADERS:
            import_string(path)()
            self.stdout.write(f"  loaded {path}")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        width = max(len(role) for role, _, _ in logins())
        for role, username, password in logins():
            self.stdout.write(f"  {role.ljust(width)}  username: {username:<11} password: {password}")
