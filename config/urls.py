from django.contrib import admin
from django.urls import include, path

from organizations.views import SignInView, home, language_set

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("audit/", include("audit.urls")),
    path("api/", include("api.urls")),
    path("obligations/", include("reinvestment.urls")),
    path("funds/", include("wellness_fund.urls")),
    path("community/", include("community.urls")),
    path("grants/", include("grants.urls")),
    path("reports/", include("reporting.urls")),
    path("inbox/", include("notifications.urls")),
    path("search/", include("search.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("operations.urls")),
]

# No route serves MEDIA_ROOT, in any settings: stored files (statements, attachments, reports) are
# sent only by views that check permission (web/files.py).

handler403 = "organizations.views.permission_denied"
handler404 = "organizations.views.page_not_found"
handler500 = "organizations.views.server_error"
