from django.contrib import admin

from courses.admin import ReadOnlyAdmin

from .models import Attempt, Question, Refresher


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["text", "scenario", "kind", "is_active"]
    list_filter = ["scenario__quiz__module", "kind"]
    search_fields = ["text", "slug"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["user", "quiz", "score", "passed", "submitted_at"]
    list_filter = ["passed", "quiz__module"]
    list_select_related = ["user", "quiz__module"]
    search_fields = ["user__email"]


@admin.register(Refresher)
class RefresherAdmin(ReadOnlyAdmin):
    list_display = ["user", "quiz", "created_at", "submitted_at", "correct_count", "passed"]
    list_filter = ["passed", "quiz__module"]
    list_select_related = ["user", "quiz__module"]
    search_fields = ["user__email"]
