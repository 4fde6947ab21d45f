from django.contrib import admin

from accounts.models import AuditEvent
from accounts.services import audit_record

from .assignments import describe
from .models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Staff may correct an assignment here; each change is audited like one made on the
    organisation's pages, so its admins see it, and the dashboard (which keeps each organisation's
    plan until its next audit event) shows it at once."""

    list_display = ["organisation", "module", "track", "target", "due_date", "created_at"]
    list_filter = ["target"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "module", "track", "group", "created_by"]
    filter_horizontal = []
    exclude = ["members"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AuditEvent.Action.ASSIGNMENT_UPDATE if change else AuditEvent.Action.ASSIGNMENT_CREATE
        _audit(request, obj, action)

    def delete_model(self, request, obj):
        _audit(request, obj, AuditEvent.Action.ASSIGNMENT_DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("organisation", "module", "track", "group", "conversation"):
            _audit(request, obj, AuditEvent.Action.ASSIGNMENT_DELETE)
        super().delete_queryset(request, queryset)


def _audit(request, assignment: Assignment, action: str) -> None:
    audit_record(
        organisation=assignment.organisation, actor=request.user, action=action, target=describe(assignment)
    )
