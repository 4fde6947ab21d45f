"""The course and each learner's place in it: tracks of modules, modules of lessons with their
sources, the glossary, the printable handouts and the course's own pages (how it was made), and
per-learner lesson completion and module progress. What organisations assign is in
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
    content_note = models.TextField(blank=True, help_text="The heavy themes the module contains.")
    last_reviewed = models.DateField(null=True, blank=True)
    next_review = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="False once removed from content/.")
    updated_at = models.DateTimeField(auto_now=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review__gt=models.F("last_reviewed"))
                | models.Q(next_review__isnull=True)
                | models.Q(last_reviewed__isnull=True),
                name="module_next_review_after_last",
            )
        ]

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
    # Blank for US sources; otherwise the country, shown beside the source ("UK source").
    country = models.CharField(max_length=40, blank=True)

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
    # Questions for a group to talk over, shown by a facilitated session's presenter view.
    discussion = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

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
    content_note = models.TextField(blank=True, help_text="The heavy themes the track contains.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    modules = models.ManyToManyField(Module, through="TrackModule", related_name="tracks")

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

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
    # Set when the learner attended a facilitated group session of this module (the facilitation
    # app): who ran it and on which day, shown beside the completion on dashboards, the CSV report
    # and certificates. Kept here so that those lower layers can read it.
    facilitated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facilitated_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="moduleprogress_unique")]
        indexes = [
            models.Index(fields=["user", "-last_activity_at"], name="moduleprogress_recent"),
            # Organisation dashboards: completion of one module over time, across members.
            models.Index(fields=["module", "completed_at"], name="moduleprogress_module_done"),
            # Organisation dashboards: the latest write by any member, and who wrote since a moment
            # (compliance.reports: the data version and the members whose progress moved).
            models.Index(fields=["-last_activity_at"], name="moduleprogress_last_write"),
            models.Index(
                fields=["-completed_at"],
                name="moduleprogress_last_done",
                condition=models.Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in module {self.module_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class GlossaryTerm(models.Model):
    """One entry of the glossary (content/glossary.yaml): the word, what it means and why the
    course words it that way. Lessons link to it as `[words](glossary:slug)`."""

    slug = models.SlugField(max_length=80, unique=True)
    term = models.CharField(max_length=120)
    meaning_html = models.TextField()
    why_html = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return f"{reverse('courses:glossary')}#{self.slug}"


class Handout(models.Model):
    """A printable one-page handout (content/handouts/*.md), linked from the modules it names."""

    class For(models.TextChoices):
        TEEN = "teen", _("Teens")
        FAMILY = "family", _("Families")
        STAFF = "staff", _("School staff")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=16, choices=For)
    summary = models.TextField()
    body_markdown = models.TextField()
    body_html = models.TextField()
    sources = models.JSONField(default=list)
    last_reviewed = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    modules = models.ManyToManyField(Module, related_name="handouts", blank=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:handout", args=[self.slug])


class Page(models.Model):
    """A page about the course itself (content/pages/*.md), such as how it was made."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    body_html = models.TextField()
    sources = models.JSONField(default=list)
    last_reviewed = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.title


class Conversation(models.Model):
    """A practice conversation (content/conversations/NN-<slug>.yaml), loaded with the course.

    `nodes` is the graph exactly as `courses.conversations` validated it at load time: every node
    reachable, no dead ends, no unmarked loops, citations resolved and notes rendered to safe
    HTML. Its shape is documented on `courses.conversations.ParsedConversation`; the format's
    version is the loader's, not a field inside the JSON."""

    slug = models.SlugField(max_length=80, unique=True)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    audiences = models.CharField(max_length=64, help_text="Comma-separated audiences.")
    setting = models.TextField()
    other = models.CharField(max_length=60, help_text="The other person's name in the chat.")
    content_note = models.TextField()
    start = models.SlugField(max_length=80)
    nodes = models.JSONField()
    position = models.PositiveSmallIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True, help_text="False once removed from content/.")
    updated_at = models.DateTimeField(auto_now=True)
    # Other languages' words for this conversation (title, summary, setting, other, content_note
    # and the nodes' words, same graph), by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:practice", args=[self.slug])


class ConversationPractice(models.Model):
    """One learner's practice of one conversation: the path they are on (a string of choice
    keys from the start, one per decision, on the content version `content_hash`), and when they
    first reached an ending, which is what "practised" means. Nothing is graded or scored.
    Replaying empties the path; `completed_at` stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_practices"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="practices")
    path = models.CharField(max_length=40, blank=True)
    content_hash = models.CharField(max_length=64)
    last_activity_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "conversation"], name="conversationpractice_unique"),
            models.CheckConstraint(
                condition=models.Q(path__regex=r"^[a-d]*$"), name="conversationpractice_path_keys"
            ),
        ]
        indexes = [
            # Organisation pages: who has practised one conversation.
            models.Index(fields=["conversation", "completed_at"], name="practice_conversation_done"),
            # Organisation dashboards, as ModuleProgress's moduleprogress_last_write.
            models.Index(fields=["-last_activity_at"], name="practice_last_write"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} practising {self.conversation_id}"

    @property
    def is_practised(self) -> bool:
        return self.completed_at is not None
