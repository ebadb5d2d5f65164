"""The search page: ``/search/?q=words``, results grouped by kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from web.requests import AuthenticatedRequest

from .selectors import MAX_QUERY, Group, QueryTooLong, clean_query, search, words


@login_required
@require_GET
def results(request: AuthenticatedRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    problem = ""
    groups: list[Group] = []
    query = raw.strip()
    try:
        query = clean_query(raw)
    except QueryTooLong:
        problem = _("Search for at most %(n)s characters.") % {"n": MAX_QUERY}
        query = ""
    else:
        if query and not words(query):
            problem = _("Type words (letters or digits) to search for.")
        elif query:
            groups = search(user=request.user, query=query)
    return render(request, "search/results.html", {
        "query": query, "problem": problem, "groups": groups, "max_query": MAX_QUERY,
        "total": sum(len(g.hits) for g in groups),
    }, status=400 if problem else 200)
