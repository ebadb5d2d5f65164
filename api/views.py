"""Base view sets of the API and the catch-all 404.

Every API view: authenticated (token or session), throttled, paginated,
filterable and orderable lists, and every POST idempotent under an
``Idempotency-Key``. Querysets come from selectors already scoped by
``organizations.access``, so another organization's object is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, viewsets

from .errors import error_body
from .idempotency import IdempotentMixin


class ApiViewMixin(IdempotentMixin):
    # Any path segment reaches the view, so a malformed id is the API's JSON 404.
    lookup_value_regex = "[^/]+"
    filter_fields: dict[str, Any] = {}
    ordering_fields: list[str] = []


class ReadOnlyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """List + retrieve."""


class ListCreateRetrieveViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List + retrieve; creation and actions are written per resource (they call services)."""


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the reader's language: the enums' descriptions come
    from the choices' labels, which pages translate, and the API's contract is one text (a
    ``?lang=`` the reader names still applies)."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            response.render()  # the lazy texts too (help texts), before the language is back
        return response


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/ answer in the API's error shape, not an HTML page."""
    return JsonResponse(error_body("not_found", "No such API endpoint."), status=404)
