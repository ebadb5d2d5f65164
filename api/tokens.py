"""Personal API tokens: list, create (secret shown once), read, revoke.

Creating a token needs a browser session (signed in with a password): a token
cannot mint further tokens, so a leaked token cannot outlive its own expiry.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .actions import run_action
from .filters import Filter
from .models import ApiToken
from .serializers import StrictSerializer
from .views import ListCreateRetrieveViewSet


class ApiTokenSerializer(serializers.ModelSerializer):
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at",
                  "is_active"]
        read_only_fields = fields

    def get_is_active(self, obj: ApiToken) -> bool:
        from django.utils import timezone

        return obj.revoked_at is None and obj.expires_at > timezone.now()


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret; shown only in this response.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, help_text="Defaults to 90 days from now.")


class ApiTokenViewSet(ListCreateRetrieveViewSet):
    serializer_class = ApiTokenSerializer
    filter_fields = {"revoked": Filter("revoked_at__isnull", "boolean", negate=True,
                                       description="true: only revoked tokens; false: only unrevoked.")}
    ordering_fields = ["created_at", "expires_at", "name"]

    def get_queryset(self) -> Any:
        return selectors.tokens_of(self.request.user)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.auth, ApiToken):
            raise exceptions.PermissionDenied("Create API tokens from a signed-in browser session.")
        return run_action(self, request, services.token_create, input=ApiTokenCreateSerializer,
                          output=_created, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ApiTokenSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.token_revoke, target="token", output=ApiTokenSerializer)


def _created(created: tuple[ApiToken, str]) -> dict[str, Any]:
    """The new token with its secret, shown this once."""
    token, raw = created
    return ApiTokenCreatedSerializer(token).data | {"token": raw}
