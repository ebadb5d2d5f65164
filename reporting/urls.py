from django.urls import path

from . import document_pages, views

app_name = "reporting"

urlpatterns = [
    path("artifacts/<int:artifact_id>/", views.artifact_detail, name="artifact"),
    path("artifacts/<int:artifact_id>/attest/", views.artifact_attest, name="artifact_attest"),
    path("artifacts/<int:artifact_id>/file/", views.artifact_file, name="artifact_file"),
    path("artifacts/<int:artifact_id>/preview.pdf", views.preview, name="preview"),
    path("artifacts/<int:artifact_id>/<str:part>/", views.download, name="download"),
    path("of/<str:kind>/<str:subject>/", document_pages.document_request, name="document_request"),
    path("of/<str:kind>/<str:subject>/draft.pdf", document_pages.document_draft, name="document_draft"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("plan/<slug:plan>/", views.compliance, name="compliance"),
    path("plan/<slug:plan>/request/", views.report_new, name="report_new"),
    path("plan/<slug:plan>/history/", views.history, name="history"),
    path("filed/", views.filed, name="filed"),
    path("verify/", views.verify, name="verify"),
]
