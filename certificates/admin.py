"""Support staff look certificates up here; revoking and re-issuing go through the app's own
pages (certificates:manage) so the rules in services.py always apply."""

from django.contrib import admin

from .models import Certificate, CertificateExport


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "learner_name",
        "item_title",
        "issuer_name",
        "issued_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["issuer_name", "issued_at", "revoked_at"]
    search_fields = ["code", "learner_name", "user__email", "item_title"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CertificateExport)
class CertificateExportAdmin(admin.ModelAdmin):
    list_display = ["token", "requested_by", "state", "count", "created_at", "finished_at"]
    list_select_related = ["requested_by"]
    readonly_fields = ["token", "requested_by", "state", "count", "created_at", "finished_at", "file"]
