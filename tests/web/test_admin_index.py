"""The administration index lists every model the person may reach, with the links Django's own
list gives, built once per request."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from organizations.models import User
from web.admin_site import AdminSite

pytestmark = pytest.mark.django_db


def test_the_site_is_this_projects(client):
    assert isinstance(admin.site, AdminSite)


def test_a_site_administrator_sees_every_registered_model_with_its_links(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert admin.site._registry
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert f'<th scope="row" id="{info[0]}-{info[1]}"><a href="{changelist}">' in html, model


def test_a_staff_member_sees_only_what_a_permission_gives_and_the_matching_link(client):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:audit_auditevent_changelist")
    assert f'<a href="{changelist}" class="viewlink" aria-describedby="audit-auditevent">View</a>' in html
    assert 'class="addlink"' not in html and 'class="changelink"' not in html
    assert html.count('<tr class="model-') == 1


def test_a_person_without_permissions_is_told_so(client):
    client.force_login(User.objects.create_user("bare", password="x", is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "You don’t have permission to view or edit anything." in html


def test_the_app_page_lists_only_its_app(admin_client):
    html = admin_client.get(reverse("admin:app_list", args=["audit"])).content.decode()
    main = html.split('id="content-main"')[1]
    assert 'class="app-audit module' in main and "app-reinvestment" not in main


def test_a_list_page_marks_its_app_and_model_in_the_sidebar(admin_client):
    changelist = reverse("admin:audit_auditevent_changelist")
    html = admin_client.get(changelist).content.decode()
    sidebar = html.split('id="nav-sidebar"')[1]
    assert 'class="app-audit module current-app"' in sidebar and 'class="app-reinvestment module"' in sidebar
    assert (f'<tr class="model-auditevent current-model"><th scope="row" id="audit-auditevent">'
            f'<a href="{changelist}" aria-current="page">') in sidebar


def test_the_index_builds_its_list_once(admin_client, monkeypatch):
    calls = []
    build = AdminSite._build_app_dict

    def counted(self, request, label=None):
        calls.append(label)
        return build(self, request, label)

    monkeypatch.setattr(AdminSite, "_build_app_dict", counted)
    assert admin_client.get(reverse("admin:index")).status_code == 200
    assert calls == [None]


def test_a_site_administrators_list_is_built_once_and_a_staff_members_each_time(admin_client, client, monkeypatch):
    calls = []
    build = admin.AdminSite._build_app_dict

    def counted(self, request, label=None):
        calls.append(request.user.username)
        return build(self, request, label)

    monkeypatch.setattr(admin.AdminSite, "_build_app_dict", counted)
    admin.site._site_admin_apps.clear()
    first = admin_client.get(reverse("admin:index")).content.decode()
    assert admin_client.get(reverse("admin:index")).content.decode().count('<tr class="model-') == first.count(
        '<tr class="model-')
    assert calls == ["admin"]
    viewer = User.objects.create_user("viewer2", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(viewer)
    for _ in range(2):
        assert client.get(reverse("admin:index")).content.decode().count('<tr class="model-') == 1
    assert calls == ["admin", "viewer2", "viewer2"]
