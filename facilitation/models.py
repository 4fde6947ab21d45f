"""Facilitated group sessions: an organisation's admin (or a member they made a facilitator)
runs a module for a room, on a projector; attendees are ticked on a roster or join with a short
code on their phones, and are credited with the module when the session ends
(facilitation/services.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, new_key
from courses.models import Module

# Join codes are read off a projector and typed on phones: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Session(models.Model):
    """One facilitated session of one module. Attendees may join by code between `starts_at`
    and `ends_at`; `ended_at` is set once, when the facilitator ends it and attendees are
    credited. Named in URLs by `key`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="facilitated_sessions"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="facilitated_sessions")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="facilitated_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=16, unique=True, default=new_key)
    code = models.CharField(max_length=CODE_LENGTH, default=new_code)
    starts_at = models.DateTimeField(_("attendees can join from"))
    ends_at = models.DateTimeField(_("attendees can join until"))
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            # A code names one open session: attendees type only the code.
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(ended_at__isnull=True), name="session_code_unique_open"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_window_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-starts_at"], name="session_org_recent")]

    def __str__(self) -> str:
        return f"{self.module_id} for {self.organisation_id} at {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("facilitation:detail", args=[self.organisation.slug, self.key])

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    def is_joinable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.starts_at <= now <= self.ends_at


class Attendance(models.Model):
    """One attendee of one session, ticked on the roster or joined by code."""

    class How(models.TextChoices):
        ROSTER = "roster", _("Ticked on the roster")
        CODE = "code", _("Joined with the code")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")
    how = models.CharField(max_length=8, choices=How)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique"),
            models.CheckConstraint(
                condition=models.Q(how__in=["roster", "code"]), name="attendance_how_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at session {self.session_id}"
