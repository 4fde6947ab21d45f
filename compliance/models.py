"""Organisation compliance: what an organisation assigns to its members and by when, the
per-member due-date extensions, and the logs that keep reminders and digests to one a day.

The tables keep the names they had when these models lived in `courses` (their `db_table`), so
moving them here changed no data. Status rules live in compliance/validity.py and status.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, OrganisationGroup, new_key
from courses.models import Conversation, Module, Track


class AssignmentQuerySet(models.QuerySet):
    def applying_to(self, user) -> "AssignmentQuerySet":
        """Assignments of `user`'s organisations that apply to them: to everyone, to a group they
        are in, or to them by name. The SQL twin of `Assignment.applies_to`."""
        return self.filter(
            Q(organisation__memberships__user=user)
            & (
                Q(target=Assignment.Target.EVERYONE)
                | Q(target=Assignment.Target.GROUP, group__members__user=user)
                | Q(target=Assignment.Target.MEMBERS, members__user=user)
            )
        ).distinct()

    def applying_to_each_once(self, user) -> "AssignmentQuerySet":
        """The same rows as `applying_to`, each once without DISTINCT (subqueries, no joins that
        multiply rows): cheaper to plan, for a query that adds no joins of its own that would."""
        memberships = Membership.objects.filter(user=user)
        in_group = OrganisationGroup.members.through.objects.filter(membership__user=user)
        named = Assignment.members.through.objects.filter(membership__user=user)
        return self.filter(
            Q(organisation__in=memberships.values("organisation"))
            & (
                Q(target=Assignment.Target.EVERYONE)
                | Q(target=Assignment.Target.GROUP, group__in=in_group.values("organisationgroup"))
                | Q(target=Assignment.Target.MEMBERS, pk__in=named.values("assignment"))
            )
        )


class Assignment(models.Model):
    class Target(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        GROUP = "group", _("A group")
        MEMBERS = "members", _("Named members")

    key = models.CharField(max_length=16, unique=True, default=new_key)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="assignments"
    )
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    # "Practise": a practice conversation, done once the member has reached any of its endings.
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    target = models.CharField(max_length=16, choices=Target, default=Target.EVERYONE)
    group = models.ForeignKey(
        "accounts.OrganisationGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    members = models.ManyToManyField("accounts.Membership", related_name="assignments", blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        db_table = "courses_assignment"
        ordering = ["due_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(module__isnull=False, track__isnull=True, conversation__isnull=True)
                | models.Q(module__isnull=True, track__isnull=False, conversation__isnull=True)
                | models.Q(module__isnull=True, track__isnull=True, conversation__isnull=False),
                name="assignment_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(target__in=["everyone", "group", "members"]),
                name="assignment_target_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(target="group", group__isnull=False)
                | (~models.Q(target="group") & models.Q(group__isnull=True)),
                name="assignment_group_iff_target_group",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "due_date"], name="assignment_org_due")]

    def __str__(self) -> str:
        return f"{self.subject} for {self.organisation_id}"

    @property
    def subject(self) -> "Module | Track | Conversation":
        return self.module or self.track or self.conversation

    def applies_to(self, *, group_ids: set[int], named_assignment_ids: set[int]) -> bool:
        """Whether this assignment applies to a member in the groups `group_ids` and named in
        the assignments `named_assignment_ids`. The Python twin of `applying_to`."""
        if self.target == self.Target.EVERYONE:
            return True
        if self.target == self.Target.GROUP:
            return self.group_id in group_ids
        return self.pk in named_assignment_ids


class AssignmentExtension(models.Model):
    """One member's later due date for one assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    # The member, not the user: removing someone from the organisation removes their extensions.
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="assignment_extensions"
    )
    due_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "courses_assignmentextension"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "membership"], name="assignmentextension_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} has until {self.due_date} for {self.assignment_id}"


class ReminderLog(models.Model):
    """A reminder e-mailed to a member about an assignment. The unique constraint is what keeps
    it to one per assignment per member per day, however often `send_reminders` runs."""

    class Kind(models.TextChoices):
        WEEK_BEFORE = "week_before", _("A week before the due date")
        DAY_BEFORE = "day_before", _("A day before the due date")
        OVERDUE = "overdue", _("Overdue")
        MANUAL = "manual", _("Sent by an admin")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind)
    sent_on = models.DateField()

    class Meta:
        db_table = "courses_reminderlog"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user", "sent_on"], name="reminderlog_one_per_day")
        ]
        indexes = [models.Index(fields=["user", "assignment", "-sent_on"], name="reminderlog_last")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id} on {self.sent_on}"


class DigestLog(models.Model):
    """The weekly overdue digest sent to one admin of one organisation."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        db_table = "courses_digestlog"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "sent_on"], name="digestlog_one_per_day")
        ]

    def __str__(self) -> str:
        return f"digest to {self.user_id} for {self.organisation_id} on {self.sent_on}"
