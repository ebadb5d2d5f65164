"""Organizations, memberships, counties and the caller: read-only.

Organizations and memberships are those the caller may view
(``organizations.access``); another organization's id is a 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations import access
from organizations.models import County, Membership, Organization, OrganizationKind, Role, User

from .filters import Filter
from .views import ApiViewMixin, ReadOnlyViewSet


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["id", "state", "name", "fips"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    counties_served = serializers.SlugRelatedField(slug_field="fips", many=True, read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "code", "kind", "legal_name", "display_name", "ein", "jurisdiction",
                  "counties_served", "is_active", "created_at"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    organization_code = serializers.CharField(source="organization.code", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "full_name", "organization", "organization_code", "role",
                  "is_active", "created_at"]
        read_only_fields = fields


class MeMembershipSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization_id")
    organization_code = serializers.CharField(source="organization.code")
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "title", "is_superuser",
                  "memberships"]
        read_only_fields = fields

    @extend_schema(responses=MeMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        from organizations.selectors import memberships_of

        return MeMembershipSerializer(memberships_of(user), many=True).data  # type: ignore[return-value]


class OrganizationViewSet(ReadOnlyViewSet):
    serializer_class = OrganizationSerializer
    filter_fields = {
        "kind": Filter("kind", "choice", choices=[k.value for k in OrganizationKind]),
        "code": Filter("code"),
        "jurisdiction": Filter("jurisdiction"),
        "is_active": Filter("is_active", "boolean"),
    }
    ordering_fields = ["code", "legal_name", "kind", "created_at"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", Organization.objects.all()) \
            .prefetch_related("counties_served").order_by("kind", "legal_name", "id")


class MembershipViewSet(ReadOnlyViewSet):
    serializer_class = MembershipSerializer
    filter_fields = {
        "organization": Filter("organization_id", "integer"),
        "user": Filter("user_id", "integer"),
        "role": Filter("role", "choice", choices=[r.value for r in Role]),
        "is_active": Filter("is_active", "boolean"),
    }
    ordering_fields = ["created_at", "role"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", Membership.objects.all()) \
            .select_related("user", "organization").order_by("organization__code", "role", "id")


class CountyViewSet(ReadOnlyViewSet):
    """Reference data: counties (FIPS codes), readable by every signed-in user."""

    serializer_class = CountySerializer
    filter_fields = {"state": Filter("state"), "fips": Filter("fips")}
    ordering_fields = ["name", "fips"]

    def get_queryset(self) -> Any:
        return County.objects.order_by("state", "name")


class MeView(ApiViewMixin, APIView):
    """The caller: who the token or session acts as, with active memberships."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
