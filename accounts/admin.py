from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm

from .models import AuditEvent, Invitation, Membership, Organisation, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name", "role"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "role", "is_staff", "date_joined"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "name", "role", "password1", "password2"]})]


# --- Organisations: for platform staff supporting schools; changes go through the org pages. ---


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "joined_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    readonly_fields = ["join_code", "created_at"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "group", "invited_by"]
    readonly_fields = ["token"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organisation", "actor", "action", "target"]
    list_filter = ["action"]
    search_fields = ["organisation__name", "target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
