"""The course and each learner's place in it: tracks of modules, modules of lessons with their
sources, and per-learner lesson completion and module progress. What organisations assign is in
compliance/models.py.

Content rows are written only by `courses.content` (the loader); slugs are their identity."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PARENT = "parent", _("Parents and caregivers")
    EDUCATOR = "educator", _("Educators and school staff")


class Module(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    # A few words for tight places (the organisation dashboard's column headers); may be empty.
    short_title = models.CharField(max_length=40, blank=True, default="")
    summary = models.TextField()
    audiences = models.CharField(max_length=64, help_text="Comma-separated audiences.")
    minutes = models.PositiveSmallIntegerField()
    objectives = models.JSONField(default=list)
    remember = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True, help_text="False once removed from content/.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:module", args=[self.slug])

    @property
    def short_name(self) -> str:
        return self.short_title or self.title


class Source(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sources")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    year = models.CharField(max_length=10)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["module", "number"]
        constraints = [models.UniqueConstraint(fields=["module", "number"], name="source_unique_number")]

    def __str__(self) -> str:
        return f"[{self.number}] {self.title}"


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField()
    content_note = models.TextField(blank=True)
    body_markdown = models.TextField()
    # Rendered and sanitised once at load time, never per request.
    body_html = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["module", "position"]
        constraints = [models.UniqueConstraint(fields=["module", "slug"], name="lesson_unique_slug")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.module.slug, self.slug])


class Track(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    audience = models.CharField(max_length=16, choices=Audience)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    modules = models.ManyToManyField(Module, through="TrackModule", related_name="tracks")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class TrackModule(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="track_modules")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="track_modules")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["track", "position"]
        constraints = [models.UniqueConstraint(fields=["track", "module"], name="trackmodule_unique")]

    def __str__(self) -> str:
        return f"{self.track_id}:{self.position}:{self.module_id}"


class LessonProgress(models.Model):
    """A lesson the learner marked complete."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lessonprogress_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} completed lesson {self.lesson_id}"


class ModuleProgress(models.Model):
    """A learner's place in one module: the last lesson opened, and when the module was
    completed. `completed_at` is stored, not recomputed, because lists of many learners (My
    learning, organisation dashboards, certificates) need it in one indexed query."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    last_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL)
    last_activity_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="moduleprogress_unique")]
        indexes = [
            models.Index(fields=["user", "-last_activity_at"], name="moduleprogress_recent"),
            # Organisation dashboards: completion of one module over time, across members.
            models.Index(fields=["module", "completed_at"], name="moduleprogress_module_done"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in module {self.module_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
