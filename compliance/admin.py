from django.contrib import admin

from .models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "module", "track", "target", "due_date", "created_at"]
    list_filter = ["target"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "module", "track", "group", "created_by"]
    filter_horizontal = []
    exclude = ["members"]
