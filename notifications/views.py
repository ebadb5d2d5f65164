"""The inbox: a person's own in-app notifications, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from web.requests import AuthenticatedRequest

from . import messages as words
from .selectors import inbox_for, inbox_item_get, unread_count
from .services import inbox_mark_all_read, inbox_mark_read

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(inbox_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"item": item, "title": words.title(item.kind), "message": words.render(item.kind, item.params)}
            for item in page.object_list]
    return render(request, "notifications/inbox.html",
                  {"page": page, "rows": rows, "unread": unread_count(user=request.user)})


@require_GET
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count (fetched by htmx after the page loads): one query; nothing
    (204, so htmx leaves the header alone) for a visitor who is not signed in."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/_badge.html", {"unread": unread_count(user=request.user)})


@login_required
@require_GET
def inbox_open(request: AuthenticatedRequest, pk: int) -> HttpResponseRedirect:
    """Mark the notification read and go to the page it is about."""
    item = inbox_item_get(user=request.user, pk=pk)
    inbox_mark_read(actor=request.user, item=item)
    if not url_has_allowed_host_and_scheme(item.link, allowed_hosts={request.get_host()}):
        return redirect("notifications:inbox")
    return HttpResponseRedirect(item.link)


@login_required
@require_POST
def inbox_read_all(request: AuthenticatedRequest) -> HttpResponseRedirect:
    count = inbox_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:inbox")
