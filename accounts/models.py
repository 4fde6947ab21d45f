"""Who learns and with whom: the user account, logged in by e-mail, with the name printed on
certificates and the role that picks a learner's recommended track; and the organisations
(schools, nonprofits) users belong to, with their roles, groups, invitations and audit log."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .logos import logo_upload_to
from .names import name_validate


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    class Role(models.TextChoices):
        PARENT = "parent", _("Parent or caregiver")
        EDUCATOR = "educator", _("Educator or school staff")
        OTHER = "other", _("Other")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(
        _("name for certificates"),
        max_length=150,
        help_text=_("Printed on your certificates exactly as you type it."),
        validators=[name_validate],
    )
    role = models.CharField(_("I am a"), max_length=16, choices=Role, default=Role.PARENT)
    # The language of the site and of this learner's e-mails and certificates ("" = the browser's).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["parent", "educator", "other"]), name="user_role_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def recommended_audience(self) -> str:
        """The track audience this learner's role points to ("other" gets the parent track)."""
        return "educator" if self.role == self.Role.EDUCATOR else "parent"


# --- Organisations ------------------------------------------------------------------------------
# Schools and nonprofits that invite staff or parents, assign them modules and watch compliance.
# Every row below belongs to one organisation and is only ever fetched through it
# (accounts.services.get_organisation_for_user); URLs name them by slug or random token.


def new_token() -> str:
    """An unguessable token for links sent by e-mail (invitations, join codes)."""
    return secrets.token_urlsafe(24)


def new_key() -> str:
    """A short random public identifier for private rows named in URLs."""
    return secrets.token_urlsafe(9)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        NONPROFIT = "nonprofit", _("Nonprofit")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150, validators=[name_validate])
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.SCHOOL)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    certificate_signatory_name = models.CharField(
        _("certificate signatory's name"), max_length=150, blank=True, validators=[name_validate]
    )
    certificate_signatory_title = models.CharField(
        _("certificate signatory's title"), max_length=150, blank=True, validators=[name_validate]
    )
    # A retake sooner than this after the previous attempt does not count towards the
    # organisation's certificates (retakes stay unlimited; None: no wait).
    retake_wait_hours = models.PositiveSmallIntegerField(
        _("minimum wait before a retake counts (hours)"), null=True, blank=True
    )
    # Members' completions stay "current" only while they pass their spaced refreshers
    # (quizzes/refreshers.py); never deletes or revokes anything.
    require_refreshers = models.BooleanField(
        _("require refreshers to keep completions current"),
        default=False,
        # A database default too: rows written by code that predates the field stay valid.
        db_default=False,
        help_text=_(
            "Three-question refreshers fall due about 1, 3 and 6 months after a module is completed. "
            "With this on, your dashboard and certificate checks show each completion as current, "
            "refresher due or lapsed. Nothing is ever deleted: one passed refresher restores current."
        ),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if completions never expire."),
    )
    # Attendees of a facilitated group session: False credits the module (and its certificate)
    # when the session ends; True records attendance and waits for each attendee's own quiz pass.
    facilitated_needs_quiz = models.BooleanField(
        _("facilitated sessions need each attendee's own quiz pass"),
        default=False,
        db_default=False,
        help_text=_(
            "If ticked, attending a facilitated session counts the lessons as read, and the module "
            "and its certificate wait until the attendee passes the quiz themselves."
        ),
    )
    join_code = models.CharField(max_length=64, unique=True, default=new_token)
    join_enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["school", "nonprofit", "other"]), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_validity_months__isnull=True)
                | models.Q(certificate_validity_months__gte=1, certificate_validity_months__lte=120),
                name="organisation_validity_1_120",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("compliance:detail", args=[self.slug])


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")
        # A member who may also run facilitated group sessions (facilitation app), nothing else.
        FACILITATOR = "facilitator", _("Facilitator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role, default=Role.MEMBER)
    key = models.CharField(max_length=16, unique=True, default=new_key)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["owner", "admin", "member", "facilitator"]),
                name="membership_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"], name="membership_org_role")]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} of {self.organisation_id}"

    # The roles that administer an organisation (its pages, people, assignments, certificates).
    ADMIN_ROLES = ("owner", "admin")

    # The roles that may run facilitated group sessions for the organisation.
    FACILITATOR_ROLES = ("owner", "admin", "facilitator")

    @property
    def is_admin(self) -> bool:
        return self.role in self.ADMIN_ROLES

    @property
    def can_facilitate(self) -> bool:
        return self.role in self.FACILITATOR_ROLES

    @property
    def label(self) -> str:
        """How forms list a member: name and e-mail (needs `user` selected)."""
        return f"{self.user.name} ({self.user.email})"


class OrganisationGroup(models.Model):
    """A named set of members ("Science department") to assign modules to at once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(max_length=16, unique=True, default=new_key)
    members = models.ManyToManyField(Membership, related_name="groups", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "organisation", name="organisationgroup_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation. Only the account with this e-mail address
    can accept it; it stops working once accepted, revoked or past `expires_at`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    group = models.ForeignKey(
        OrganisationGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address per organisation; resending refreshes it.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_unique_open",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class AuditEvent(models.Model):
    """Who did what in an organisation's admin pages, for the organisation's admins to read."""

    class Action(models.TextChoices):
        ORGANISATION_CREATE = "organisation_create", _("Created the organisation")
        ORGANISATION_UPDATE = "organisation_update", _("Changed the organisation's settings")
        JOIN_LINK_CHANGE = "join_link_change", _("Changed the join link")
        INVITE = "invite", _("Invited")
        INVITE_RESEND = "invite_resend", _("Resent an invitation")
        INVITE_REVOKE = "invite_revoke", _("Revoked an invitation")
        MEMBER_JOIN = "member_join", _("Joined")
        MEMBER_REMOVE = "member_remove", _("Removed a member")
        MEMBER_LEAVE = "member_leave", _("Left")
        ROLE_CHANGE = "role_change", _("Changed a role")
        GROUP_CHANGE = "group_change", _("Changed a group")
        ASSIGNMENT_CREATE = "assignment_create", _("Assigned")
        ASSIGNMENT_DELETE = "assignment_delete", _("Removed an assignment")
        ASSIGNMENT_UPDATE = "assignment_update", _("Changed an assignment")
        ASSIGNMENT_EXTEND = "assignment_extend", _("Extended a due date")
        REMIND = "remind", _("Sent reminders")
        EXPORT = "export", _("Exported the report")
        MFA_ENABLE = "mfa_enable", _("Turned on two-step sign-in")
        MFA_DISABLE = "mfa_disable", _("Turned off two-step sign-in")
        MFA_RESET = "mfa_reset", _("Made new recovery codes")
        CERTIFICATE_NAME_CORRECT = "certificate_name_correct", _("Corrected the name on their certificate")
        SSO_DOMAIN = "sso_domain", _("Changed a sign-in domain")
        SSO_REQUIRE = "sso_require", _("Changed the required sign-in")
        SSO_REFUSED = "sso_refused", _("Refused a sign-in")
        LTI_PLATFORM = "lti_platform", _("Changed an LMS connection")
        LTI_REFUSED = "lti_refused", _("Refused an LMS launch")
        LTI_SCORE_FAILED = "lti_score_failed", _("Could not send a score to the LMS")
        LTI_ROSTER = "lti_roster", _("Synced a roster from the LMS")
        LTI_ROSTER_FAILED = "lti_roster_failed", _("Could not sync a roster from the LMS")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32, choices=Action)
    target = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="auditevent_org_recent")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.action} {self.target}"
