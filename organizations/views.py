"""Pages of the organizations app: the role-aware home page and the friendly error pages."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views import i18n
from django.views.decorators.csrf import requires_csrf_token

from web import home as home_parts

from .forms import LockoutAuthenticationForm
from .models import Membership, Organization, User
from .selectors import memberships_of
from .services import user_language_set


@dataclass
class DashboardSection:
    """One organization on the home page: the user's roles there and what they need to know."""

    organization: Organization
    roles: list[str] = field(default_factory=list)
    role_codes: set[str] = field(default_factory=set)
    part: home_parts.Part = field(default_factory=home_parts.Part)


@dataclass(frozen=True)
class DueTask:
    """A task of one organization, with how its due date stands today."""

    task: home_parts.Task
    organization: Organization
    overdue: bool
    due_soon: bool


def _sections(user: object, memberships: list[Membership]) -> list[DashboardSection]:
    by_org: dict[int, DashboardSection] = {}
    for m in memberships:
        section = by_org.setdefault(m.organization_id, DashboardSection(m.organization))
        section.roles.append(m.get_role_display())
        section.role_codes.add(m.role)
    for section in by_org.values():
        section.part = home_parts.part_for(user, section.organization, section.role_codes)
    return list(by_org.values())


def _tasks(sections: list[DashboardSection]) -> list[DueTask]:
    today = timezone.localdate()
    rows = [(task, s.organization) for s in sections for task in s.part.tasks]
    ordered = home_parts.by_due([task for task, _ in rows])
    org_of = {id(task): org for task, org in rows}
    return [DueTask(task, org_of[id(task)], bool(task.due and task.due < today),
                    bool(task.due and 0 <= (task.due - today).days <= 14)) for task in ordered]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs the user now (tasks of every membership, soonest due first), then per
    organization its key figures and one chart."""
    memberships = list(memberships_of(request.user))
    sections = _sections(request.user, memberships)
    return render(request, "organizations/home.html", {
        "memberships": memberships, "sections": sections, "tasks": _tasks(sections),
        "several": len(sections) > 1,
    })


class SignInView(auth_views.LoginView):
    """Django's sign-in (with the lockout form), which then shows the pages in the language the
    person chose last (``User.language``) when this browser has not chosen one itself."""

    authentication_form = LockoutAuthenticationForm

    def form_valid(self, form: LockoutAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        language = getattr(form.get_user(), "language", "")
        if language and settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response


def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie and redirect); a signed-in person's choice is also saved,
    so the e-mails they receive are written in it. An unknown code changes nothing."""
    response = i18n.set_language(request)
    user = request.user
    if request.method == "POST" and user.is_authenticated and isinstance(user, User):
        try:
            user_language_set(actor=user, user=user, language=request.POST.get("language", ""))
        except ValidationError:
            pass
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request context (the database may be what failed)."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)
