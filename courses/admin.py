"""Content is authored as files in content/ and loaded with `load_content`; the admin shows it
read-only for support, so a hand edit can never drift from the files."""

from django.contrib import admin

from .models import (
    Conversation,
    ConversationPractice,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
    Source,
    Track,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["position", "slug", "title", "minutes", "is_active"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "minutes", "is_active", "content_hash", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["title", "slug"]
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["title", "module", "position", "minutes", "is_active"]
    list_filter = ["module", "is_active"]
    search_fields = ["title", "slug"]


@admin.register(Track)
class TrackAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "audience", "is_active"]


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["module", "number", "title", "publisher", "year"]
    list_filter = ["module"]


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__email"]


@admin.register(ModuleProgress)
class ModuleProgressAdmin(ReadOnlyAdmin):
    list_display = ["user", "module", "last_activity_at", "completed_at"]
    list_select_related = ["user", "module"]
    search_fields = ["user__email"]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "module", "is_active", "content_hash", "updated_at"]
    list_filter = ["is_active", "module"]
    list_select_related = ["module"]
    search_fields = ["title", "slug"]


@admin.register(ConversationPractice)
class ConversationPracticeAdmin(ReadOnlyAdmin):
    list_display = ["user", "conversation", "path", "last_activity_at", "completed_at"]
    list_select_related = ["user", "conversation"]
    search_fields = ["user__email"]
