from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from audit.admin import AuditedModelAdmin

from .forms import AdminLockoutAuthenticationForm
from .models import Affiliation, County, Membership, Organization, User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Profile", {"fields": ("title",)}))  # type: ignore[misc]


@admin.register(County)
class CountyAdmin(AuditedModelAdmin):
    list_display = ("name", "state", "fips")
    list_filter = ("state",)
    search_fields = ("name", "fips")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ("code", "legal_name", "kind", "jurisdiction", "is_active")
    list_filter = ("kind", "jurisdiction", "is_active")
    search_fields = ("code", "legal_name", "display_name", "ein")
    filter_horizontal = ("counties_served",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "organization__code")
    autocomplete_fields = ("user", "organization")

@admin.register(Affiliation)
class AffiliationAdmin(AuditedModelAdmin):
    list_display = ("user", "organization", "kind", "since", "until")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__last_name", "organization__code")
    autocomplete_fields = ("user", "organization")


# The admin sign-in uses the same lockout as the site's.
admin.site.login_form = AdminLockoutAuthenticationForm
admin.site.site_header = "Community Reinvestment administration"
