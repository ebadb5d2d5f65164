"""The shape of every API write: scoped get, validate the input, call the service, answer.

::

    @extend_schema(request=FinancialYearAmendSerializer, responses={201: FinancialYearSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, *args, **kwargs):
        return run_action(self, request, services.financial_year_amend, target="financial_year",
                          input=FinancialYearAmendSerializer, output=FinancialYearSerializer, status=201)

1. ``target`` names the service's argument for the view's object, fetched with ``get_object``
   through the view's scoped queryset, so another organization's object is the same 404 as one
   that does not exist. Without a target (a create) there is no object.
2. ``input`` (a request serializer) validates ``request.data`` (or ``data``). Its context holds
   the request (references by id are scoped to the caller) and the object (checks against it,
   e.g. the currency of an award); ``service_kwargs()`` gives the service's keyword arguments.
3. The service is called with ``actor=request.user``. What it raises becomes the API's error
   shape in ``api.errors.exception_handler``, the one place service errors are mapped:
   ``ValidationError`` is a 400 ``validation_error`` (409 ``invalid_state`` when only about the
   state), ``AccessDenied`` a 403 ``permission_denied`` (the caller can see the object but may
   not do this to it; what the caller cannot see never reaches a service: step 1).
4. ``output`` (a response serializer class, or a function giving the body) presents the
   service's result; ``reread`` reads the result again through the view's scoped queryset
   (with its prefetches), ``reply_with_object`` presents the view's object instead (for
   services that return something else).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .serializers import StrictSerializer


class ScopedView(Protocol):
    """What ``run_action`` needs of a view: its scoped queryset and the object of the URL."""

    def get_queryset(self) -> Any: ...

    def get_object(self) -> Any: ...


#: A response serializer class, or a function from the result to the response body.
Output = type[serializers.BaseSerializer] | Callable[[Any], Any]


def present(output: Output, instance: Any) -> Any:
    if isinstance(output, type) and issubclass(output, serializers.BaseSerializer):
        return output(instance).data
    return output(instance)


def run_action(
    view: ScopedView,
    request: Request,
    service: Callable[..., Any],
    *,
    target: str | None = None,
    input: type[StrictSerializer] | None = None,  # noqa: A002 - the request side of output
    data: Any = None,
    output: Output,
    reread: bool = False,
    reply_with_object: bool = False,
    status: int = 200,
    headers: Callable[[Any], Mapping[str, str]] | None = None,
) -> Response:
    """Run one API action (see the module docstring) and return its response."""
    obj = view.get_object() if target is not None else None
    kwargs: dict[str, Any] = {}
    if input is not None:
        incoming = input(data=request.data if data is None else data,
                         context={"request": request, "object": obj})
        incoming.is_valid(raise_exception=True)
        kwargs = incoming.service_kwargs()
    if target is not None:
        kwargs[target] = obj
    result = service(actor=request.user, **kwargs)
    instance: Any = obj if reply_with_object else result
    if reread:
        instance = view.get_queryset().get(pk=instance.pk)
    return Response(present(output, instance), status=status,
                    headers=dict(headers(result)) if headers is not None else None)

