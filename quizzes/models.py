"""Scenario quizzes and learners' attempts at them: a quiz is a bank of scenarios of questions of
choices (loaded from content/ by slug and key), each question tagged with a learning objective; a
draw is the questions and choice order one attempt's form shows; an attempt records one graded
submission, the content version it was taken on, and the choices ticked for each question."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Module


class Quiz(models.Model):
    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(help_text="Percent of questions right to pass.")
    # Questions drawn from the bank for one attempt (every objective covered); None: all of them.
    draw = models.PositiveSmallIntegerField(null=True, blank=True)
    content_note = models.TextField(blank=True, help_text="The heavy themes the quiz's scenarios contain.")

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100), name="quiz_pass_mark_1_100"
            )
        ]

    def __str__(self) -> str:
        return f"Quiz: {self.module}"


class Scenario(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="scenarios")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    narrative_html = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "slug"], name="scenario_unique_slug")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Choose one answer")
        MULTIPLE = "multiple", _("Choose all that apply")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=80)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SINGLE)
    # The module's learning objective it tests: a 1-based position in Module.objectives.
    objective = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["scenario__position", "position"]
        constraints = [models.UniqueConstraint(fields=["scenario", "slug"], name="question_unique_slug")]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(max_length=20)
    text = models.TextField()
    correct = models.BooleanField()
    feedback_html = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # Other languages' text for this row, by language code (courses/translations.py).
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="choice_unique_key")]

    def __str__(self) -> str:
        return self.text


class Draw(models.Model):
    """The questions (in order) and each question's choices (in a shuffled order) that one
    attempt's form shows, fixed on the server when the form is made. Its token becomes the
    attempt's, so a reload or a stale tab shows the same order, and grading goes by choice
    identity, never by position. The form names choices by their place in `choice_ids`, so
    nothing in the page says which is right."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_draws")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # Question ids in display order, and for each (as a string key) its choice ids in display order.
    question_ids = models.JSONField()
    choice_ids = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["user", "quiz", "-created_at"], name="draw_latest")]

    def __str__(self) -> str:
        return f"{len(self.question_ids)} questions for {self.user_id} on {self.quiz_id}"

    def choices_of(self, question_id: int) -> list[int]:
        return self.choice_ids[str(question_id)]


class Attempt(models.Model):
    """One graded submission. `token` comes from the form the learner was shown, so the same
    form submitted twice (double click, two tabs, a retried request) maps to one attempt."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    content_hash = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(help_text="Percent right, rounded down.")
    passed = models.BooleanField()
    # False for a retake taken sooner than an assigning organisation's minimum wait: it is
    # recorded and reviewed, but does not complete the module (nor earn that certificate).
    counts = models.BooleanField(default=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["user", "quiz", "-score"], name="attempt_best"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(correct_count__lte=models.F("question_count")),
                name="attempt_correct_le_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} scored {self.score}% on {self.quiz_id}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:result", args=[self.token])


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, related_name="answers")
    correct = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="answer_unique_question")]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {'right' if self.correct else 'wrong'}"


class Refresher(models.Model):
    """One spaced refresher (quizzes/refreshers.py): a few questions from a completed module's
    bank, drawn when the learner opens it (the same shape as a Draw: question ids in order, each
    question's choices shuffled) and graded once, on submit. The answers stay on the row so the
    feedback page can show them; a row that is never submitted is just an unfinished form."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refreshers")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="refreshers")
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    question_ids = models.JSONField()
    choice_ids = models.JSONField()
    # Once submitted: question id (as a string) -> the choice ids ticked.
    selected = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "quiz", "-created_at"], name="refresher_latest"),
            models.Index(fields=["user", "quiz", "passed", "-submitted_at"], name="refresher_passed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(passed=False) | models.Q(submitted_at__isnull=False),
                name="refresher_passed_only_submitted",
            )
        ]

    def __str__(self) -> str:
        return f"refresher of {self.quiz_id} for {self.user_id}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:refresher_result", args=[self.token])

    def choices_of(self, question_id: int) -> list[int]:
        return self.choice_ids[str(question_id)]


class RefresherReminder(models.Model):
    """A refresher e-mail sent to a learner. The unique constraint keeps it to one a day per
    person, however often the scheduled run goes (the rule of assignment reminders)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="refresherreminder_one_per_day")
        ]

    def __str__(self) -> str:
        return f"refresher reminder to {self.user_id} on {self.sent_on}"
