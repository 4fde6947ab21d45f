from django.contrib import admin

from .models import Attendance, Session


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["module", "organisation", "facilitator", "starts_at", "ended_at"]
    list_select_related = ["module", "organisation", "facilitator"]
    raw_id_fields = ["organisation", "facilitator", "created_by"]
    inlines = [AttendanceInline]
