"""Board meetings and votes: governing bodies with their seats, meetings (schedule, start,
attendance, adjourn, certify minutes) and the motions on their agenda (add, recuse, open and
close the vote, cast ballots).

Thin: input is parsed here and handed to ``grants.services``, which apply the board rules (who
chairs, quorum, recusals) and say who may act.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grants import selectors, services
from grants.models import (
    AgendaItem,
    Application,
    BallotChoice,
    GoverningBody,
    Meeting,
    MeetingStatus,
    Recusal,
    VoteStatus,
)
from organizations import access
from organizations.models import User

from .actions import run_action
from .fields import AwareDateTimeField, MoneyField
from .filters import Filter
from .serializers import ScopedPrimaryKeyField, StrictSerializer
from .views import ListCreateRetrieveViewSet, ReadOnlyViewSet


class AgendaItemSerializer(serializers.ModelSerializer):
    mover = serializers.CharField(source="mover.username", allow_null=True, read_only=True, default=None)
    seconder = serializers.CharField(source="seconder.username", allow_null=True, read_only=True, default=None)

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "number", "kind", "title", "motion", "mover", "seconder", "vote_status",
                  "opened_at", "closed_at", "outcome", "seated_count", "present_count", "recused_count",
                  "quorum_required", "yes_count", "no_count", "abstain_count"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    items = AgendaItemSerializer(many=True, read_only=True)
    present = serializers.SerializerMethodField(help_text="Usernames of the members recorded present.")

    class Meta:
        model = Meeting
        fields = ["id", "body", "title", "scheduled_at", "location", "status", "started_at", "adjourned_at",
                  "certified_at", "minutes_notes", "present", "items"]
        read_only_fields = fields

    def get_present(self, meeting: Meeting) -> list[str]:
        return sorted(a.member.username for a in meeting.attendance.all())


class MeetingScheduleSerializer(StrictSerializer):
    body = ScopedPrimaryKeyField(queryset=GoverningBody.objects.all(), help_text="Id of the governing body.")
    title = serializers.CharField(max_length=255)
    scheduled_at = AwareDateTimeField(help_text="Date-time with its offset.")
    location = serializers.CharField(max_length=255, required=False, allow_blank=True)


class AttendanceSerializer(StrictSerializer):
    members = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True),
                                           many=True, allow_empty=False,
                                           help_text="Usernames of the seated members present.")


class MinutesSerializer(StrictSerializer):
    notes = serializers.CharField(max_length=100000, required=False, allow_blank=True,
                                  help_text="Narrative of the minutes (replaces the current one when given).")


class AgendaEntryIn(StrictSerializer):
    application = ScopedPrimaryKeyField(queryset=Application.objects.all())
    amount = MoneyField(help_text="Amount to approve (at most the amount requested).")


class AgendaItemAddSerializer(StrictSerializer):
    meeting = ScopedPrimaryKeyField(queryset=Meeting.objects.all())
    title = serializers.CharField(max_length=255)
    motion = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    entries = AgendaEntryIn(many=True, allow_empty=False, max_length=200,
                            help_text="One application, or a slate of them.")

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["entries"] = [(e["application"], e["amount"].amount) for e in data["entries"]]
        return data


class RecusalSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class RecusalOut(serializers.ModelSerializer):
    member = serializers.CharField(source="member.username", read_only=True)

    class Meta:
        model = Recusal
        fields = ["id", "item", "member", "automatic", "reason"]
        read_only_fields = fields


class VoteOpenSerializer(StrictSerializer):
    mover = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    seconder = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))


class BallotSerializer(StrictSerializer):
    choice = serializers.ChoiceField(choices=BallotChoice.choices)


class BallotOut(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    member = serializers.CharField(source="member.username")
    choice = serializers.CharField()


class SeatOut(serializers.Serializer):
    member = serializers.CharField(source="member.username")
    title = serializers.CharField()
    is_chair = serializers.BooleanField()
    is_voting = serializers.BooleanField()
    seated_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


class GoverningBodySerializer(serializers.ModelSerializer):
    ach = serializers.SlugRelatedField(slug_field="code", read_only=True)
    quorum_rule = serializers.CharField(source="quorum_rule.code", read_only=True)
    passing_rule = serializers.CharField(source="passing_rule.code", read_only=True)
    seats = SeatOut(many=True, read_only=True)

    class Meta:
        model = GoverningBody
        fields = ["id", "ach", "name", "quorum_rule", "passing_rule", "seats"]
        read_only_fields = fields


class GoverningBodyViewSet(ReadOnlyViewSet):
    """Boards of the caller's ACH with their seats (meetings are scheduled for a body)."""

    serializer_class = GoverningBodySerializer
    filter_fields = {"ach": Filter("ach_id", "integer")}
    ordering_fields = ["name"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", GoverningBody.objects.all()) \
            .select_related("ach", "quorum_rule", "passing_rule").prefetch_related("seats__member") \
            .order_by("name", "id")


class MeetingViewSet(ListCreateRetrieveViewSet):
    """Board meetings of the caller's ACH, with their agenda and vote results.

    The fund administrator schedules a meeting; the chair of its body starts it, records
    attendance, adjourns it and certifies its minutes (anyone else: 403).
    """

    serializer_class = MeetingSerializer
    filter_fields = {"status": Filter("status", "choice", choices=MeetingStatus.values)}
    ordering_fields = ["scheduled_at"]

    def get_queryset(self) -> Any:
        return selectors.meetings_visible(user=self.request.user) \
            .prefetch_related("items__mover", "items__seconder", "attendance__member") \
            .order_by("-scheduled_at", "-id")

    @extend_schema(request=MeetingScheduleSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.meeting_schedule, input=MeetingScheduleSerializer,
                          output=MeetingSerializer, reread=True, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.meeting_start, target="meeting", output=MeetingSerializer,
                          reread=True)

    @extend_schema(request=AttendanceSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.attendance_record, target="meeting", input=AttendanceSerializer,
                          output=MeetingSerializer, reply_with_object=True, reread=True)

    @extend_schema(request=MinutesSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def adjourn(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.meeting_adjourn, target="meeting", input=MinutesSerializer,
                          output=MeetingSerializer, reread=True)

    @extend_schema(request=MinutesSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"], url_path="certify-minutes")
    def certify_minutes(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.minutes_certify, target="meeting", input=MinutesSerializer,
                          output=MeetingSerializer, reread=True)


class AgendaItemViewSet(ListCreateRetrieveViewSet):
    """Motions on the agenda: the fund administrator adds them; the chair opens and closes the
    vote; present members cast ballots; a seated member may recuse with a reason."""

    serializer_class = AgendaItemSerializer
    filter_fields = {"meeting": Filter("meeting_id", "integer"),
                     "vote_status": Filter("vote_status", "choice", choices=VoteStatus.values)}
    ordering_fields = ["number"]

    def get_queryset(self) -> Any:
        return access.scoped(self.request.user, "view", AgendaItem.objects.all()) \
            .select_related("mover", "seconder").order_by("meeting_id", "number", "id")

    @extend_schema(request=AgendaItemAddSerializer, responses={201: AgendaItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.agenda_item_add, input=AgendaItemAddSerializer,
                          output=AgendaItemSerializer, reread=True, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecusalSerializer, responses={201: RecusalOut})
    @action(detail=True, methods=["post"])
    def recuse(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.recusal_declare, target="item", input=RecusalSerializer,
                          output=RecusalOut, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoteOpenSerializer, responses={200: AgendaItemSerializer})
    @action(detail=True, methods=["post"], url_path="open-vote")
    def open_vote(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.vote_open, target="item", input=VoteOpenSerializer,
                          output=AgendaItemSerializer, reread=True)

    @extend_schema(request=None, responses={200: AgendaItemSerializer})
    @action(detail=True, methods=["post"], url_path="close-vote")
    def close_vote(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.vote_close, target="item", output=AgendaItemSerializer,
                          reread=True)

    @extend_schema(request=BallotSerializer, responses={200: BallotOut})
    @action(detail=True, methods=["post"])
    def ballot(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_action(self, request, services.ballot_cast, target="item", input=BallotSerializer,
                          output=BallotOut)
