"""OnGuard as an LTI 1.3 tool: the LMSs (platforms) an organisation connected, the people they
launched (matched to OnGuard accounts), one-time tickets that carry a launch from the LMS's
frame to OnGuard's own window, the nonces of launches already used, and the links along which
a passed quiz's score goes back to the LMS gradebook.

The registration itself (issuer, client ID, the platform's URLs, deployments) and the tool's
signing keys are django-lti's models (lti_tool); these rows add the organisation they belong to."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiRegistration

from accounts.models import Organisation, User, new_key, new_token
from courses.models import Module


class Platform(models.Model):
    """An LMS connected by an organisation's admin. Launches from it make or find members of
    `organisation`; its pages may frame OnGuard's launch responses from `frame_origin` only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="lti_platforms")
    registration = models.OneToOneField(LtiRegistration, on_delete=models.CASCADE, related_name="platform")
    key = models.CharField(max_length=16, unique=True, default=new_key)
    frame_origin = models.CharField(
        _("LMS web address"),
        max_length=200,
        help_text=_("Where your teachers and students open the LMS, such as https://school.instructure.com."),
    )
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.registration.name


class PlatformUser(models.Model):
    """The LMS's user `sub` is OnGuard's `user` (matched at their first launch)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lti_identities")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="platformuser_unique_sub")]

    def __str__(self) -> str:
        return f"{self.platform_id}:{self.sub} is {self.user_id}"


class UsedNonce(models.Model):
    """A launch's nonce, kept until its token expires: the same launch posted again is refused."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "nonce"], name="usednonce_unique")]
        indexes = [models.Index(fields=["expires_at"], name="usednonce_expiry")]

    def __str__(self) -> str:
        return self.nonce


class LaunchTicket(models.Model):
    """A one-time, short-lived ticket a launch page hands on: to open OnGuard in its own window
    (`continue`, for `user`, going to `next_url`; with no user, for whoever owns `email` to sign
    in and link the LMS's `sub` to their account), or to answer a deep-linking request
    (`deep_link`, with the platform's `deep_link_settings` and `deployment_id`). Third-party
    cookies are not needed for either: the ticket is the credential."""

    class Kind(models.TextChoices):
        CONTINUE = "continue", _("Open in OnGuard")
        DEEP_LINK = "deep_link", _("Choose content")

    token = models.CharField(max_length=64, unique=True, default=new_token)
    kind = models.CharField(max_length=16, choices=Kind)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    next_url = models.CharField(max_length=500, blank=True)
    sub = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    deployment_id = models.CharField(max_length=255, blank=True)
    deep_link_settings = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["continue", "deep_link"]), name="ticket_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ticket"


class ScoreLink(models.Model):
    """A gradebook column (`lineitem_url`) in the LMS for `module`, for one learner. When the
    learner passes the module's quiz, their best score is sent there (lti/grades.py) and
    `sent_score` records what the LMS has."""

    platform_user = models.ForeignKey(PlatformUser, on_delete=models.CASCADE, related_name="score_links")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    lineitem_url = models.URLField(max_length=500)
    scopes = models.JSONField(default=list)
    sent_score = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform_user", "module", "lineitem_url"], name="scorelink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform_user_id} / {self.module_id} -> {self.lineitem_url}"


class RegistrationLink(models.Model):
    """A one-time link an organisation admin gives their LMS for LTI Dynamic Registration: the
    LMS opens it, and OnGuard registers itself with the LMS for `organisation`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="lti_registration_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    frame_origin = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"registration link for {self.organisation_id}"


class LmsCourse(models.Model):
    """A course (LTI context) of a connected LMS whose launches offered its roster through LTI
    Names and Role Provisioning Services: `memberships_url` is where the roster is read
    (lti/roster.py). Recorded, and kept up to date, at every launch from the course; an
    organisation admin syncs it later from the LMS page. `sync_summary` is what the last sync
    did (counts and the people it listed), shown on the course's page."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="courses")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    memberships_url = models.URLField(max_length=500)
    key = models.CharField(max_length=16, unique=True, default=new_key)
    created_at = models.DateTimeField(default=timezone.now)
    last_launch_at = models.DateTimeField(default=timezone.now)
    synced_at = models.DateTimeField(null=True, blank=True)
    sync_summary = models.JSONField(default=dict, blank=True)
    sync_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["title", "context_id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lmscourse_unique_context")
        ]

    def __str__(self) -> str:
        return self.title or self.context_id

    @property
    def name(self) -> str:
        return self.title or _("course %s") % self.context_id[:40]
