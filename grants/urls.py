"""Addresses of the grants pages (mounted at /grants/)."""

from django.urls import path

from .views import admin, board, cbo, files, manage, postaward

app_name = "grants"
urlpatterns = [
    path("", cbo.opportunity_list, name="opportunity_list"),
    path("opportunities/<int:pk>/", cbo.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/apply/<slug:org>/", cbo.application_start, name="application_start"),
    path("opportunities/<int:pk>/<slug:action_name>/", admin.opportunity_transition, name="opportunity_transition"),
    path("applications/", cbo.application_list, name="application_list"),
    path("applications/<int:pk>/", cbo.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", cbo.application_edit, name="application_edit"),
    path("applications/<int:pk>/attachments/<int:attachment_id>/", files.attachment_download,
         name="attachment_download"),
    path("applications/<int:pk>/autosave/", cbo.application_autosave, name="application_autosave"),
    path("applications/<int:pk>/review/", board.review, name="review"),
    path("applications/<int:pk>/conflict/", board.review_conflict, name="review_conflict"),
    path("applications/<int:pk>/assign/", admin.application_assign, name="application_assign"),
    path("applications/<int:pk>/recommend/", admin.application_recommend, name="application_recommend"),
    path("applications/<int:pk>/agenda/", admin.application_agenda, name="application_agenda"),
    path("applications/<int:pk>/award/", admin.application_award, name="application_award"),
    path("reviews/", board.review_list, name="review_list"),
    path("meetings/", board.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", board.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/<slug:action_name>/", board.meeting_action, name="meeting_action"),
    path("items/<int:pk>/", board.item_panel, name="item_panel"),
    path("items/<int:pk>/open/", board.item_open, name="item_open"),
    path("items/<int:pk>/close/", board.item_close, name="item_close"),
    path("items/<int:pk>/ballot/", board.item_ballot, name="item_ballot"),
    path("items/<int:pk>/recuse/", board.item_recuse, name="item_recuse"),
    path("awards/", cbo.award_list, name="award_list"),
    path("awards/<int:pk>/", cbo.award_detail, name="award_detail"),
    path("funds/<slug:code>/pipeline/", admin.pipeline, name="pipeline"),
    path("funds/<slug:code>/opportunities/new/", admin.opportunity_create, name="opportunity_create"),
    path("tranches/<int:pk>/release/", postaward.tranche_release, name="tranche_release"),
    path("tranches/<int:pk>/pay/", postaward.tranche_pay, name="tranche_pay"),
    path("awards/<int:pk>/reallocate/", manage.award_reallocate, name="award_reallocate"),
    path("awards/<int:pk>/extend/", manage.award_extend, name="award_extend"),
    path("awards/<int:pk>/amount/", manage.award_change_amount, name="award_change_amount"),
    path("awards/<int:pk>/closeout/", manage.award_closeout, name="award_closeout"),
    path("boards/", manage.body_list, name="body_list"),
    path("boards/<int:pk>/seats/", manage.seat_list, name="seat_list"),
    path("boards/<int:pk>/meetings/new/", manage.meeting_create, name="meeting_create"),
    path("reports/", postaward.report_list, name="report_list"),
    path("reports/<int:pk>/", postaward.report, name="report"),
]
