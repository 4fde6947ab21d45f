"""Certificates: proof that a learner completed a module or a whole track, with a public code
anyone can verify, and the ZIP exports that admins ask for.

A certificate is a snapshot: the learner's name, the item's title and content version and the
issuer are copied at issue time, so a later rename or content edit never changes what was
certified. Business rules (when to issue, renew, revoke) live in `certificates.services`."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from courses.models import Module, Track

from .codes import CODE_LENGTH


class Status(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    # Replaced by a re-issued certificate (e.g. after a name correction): not a sign of fraud.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CertificateQuerySet(models.QuerySet):
    def live(self) -> "CertificateQuerySet":
        """Not revoked or withdrawn (it may have expired)."""
        return self.filter(revoked_at__isnull=True)

    def with_status(self, status: str, *, now=None) -> "CertificateQuerySet":
        now = now or timezone.now()
        if status == Status.VALID:
            return self.live().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if status == Status.EXPIRED:
            return self.live().filter(expires_at__lte=now)
        if status == Status.REVOKED:
            return self.filter(revoked_at__isnull=False, replaced_by__isnull=True, user__isnull=False)
        if status == Status.WITHDRAWN:
            return self.filter(Q(replaced_by__isnull=False) | Q(user__isnull=True), revoked_at__isnull=False)
        return self.none()


class Certificate(models.Model):
    """One certificate for one learner and one item (a module or a track) in one validity
    period. `cycle` numbers the periods: 1 for the first completion, 2 after the first renewal.

    At most one live (unrevoked) certificate exists per learner, item and cycle: that is what
    makes issuing idempotent, even for two concurrent requests."""

    code = models.CharField(max_length=CODE_LENGTH, unique=True, editable=False)
    # Null once the learner deleted their account: the code then verifies as withdrawn.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.PositiveIntegerField(default=1)
    # The issuing organisation (its admins manage the certificate); null when the platform issued
    # it. `issuer_name` keeps the name as printed, whatever happens to the organisation later.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )

    # The snapshot, as printed.
    learner_name = models.CharField(max_length=150)
    item_title = models.CharField(max_length=200)
    # The item's title in the course's other languages at issue time ({"es": "..."}), so a
    # certificate reads in its reader's language and a later content edit never changes it.
    item_titles = models.JSONField(default=dict, blank=True)
    content_version = models.CharField(max_length=64)
    issuer_name = models.CharField(max_length=200)
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_title = models.CharField(max_length=150, blank=True)
    # A module completed in a facilitated group session: who ran it and when, as printed.
    facilitator_name = models.CharField(max_length=150, blank=True, db_default="")
    facilitated_on = models.DateField(null=True, blank=True)

    completed_at = models.DateTimeField(help_text="When the learner completed the item.")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(module__isnull=False, track__isnull=True)
                | Q(module__isnull=True, track__isnull=False),
                name="certificate_module_xor_track",
            ),
            models.UniqueConstraint(
                fields=["user", "module", "cycle"],
                condition=Q(revoked_at__isnull=True, module__isnull=False),
                name="certificate_one_live_per_module_cycle",
            ),
            models.UniqueConstraint(
                fields=["user", "track", "cycle"],
                condition=Q(revoked_at__isnull=True, track__isnull=False),
                name="certificate_one_live_per_track_cycle",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(revoked_at__isnull=False),
                name="certificate_replaced_is_revoked",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("completed_at")),
                name="certificate_expires_after_completion",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-issued_at"], name="certificate_by_learner"),
            models.Index(fields=["expires_at"], name="certificate_by_expiry"),
            models.Index(fields=["organisation", "-issued_at"], name="certificate_by_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.learner_name}, {self.item_title}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify_code", args=[self.code])

    @property
    def verify_url(self) -> str:
        """The stable public URL printed as a QR code on the PDF."""
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()

    @property
    def title(self) -> str:
        """The item's title as snapshotted, in the active language (English where the item had
        no translation when it was issued)."""
        return (self.item_titles or {}).get(translation.get_language() or "") or self.item_title

    @property
    def item(self) -> Module | Track:
        return self.module or self.track

    @property
    def is_track(self) -> bool:
        return self.track_id is not None

    def status_at(self, now) -> str:
        if self.revoked_at is not None:
            return Status.WITHDRAWN if self.replaced_by_id or self.user_id is None else Status.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return Status.EXPIRED
        return Status.VALID

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return Status(self.status).label


class PrivateStorage(FileSystemStorage):
    """Files only a view with an access check may serve: outside MEDIA_ROOT, with no URL. The
    location is read from settings at each use (so a test can point it elsewhere)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def export_upload_to(instance: "CertificateExport", filename: str) -> str:
    return f"certificate-exports/{instance.token}.zip"


class CertificateExport(models.Model):
    """A ZIP of selected certificates' PDFs, built by a background task for the admin who asked.
    The file lives in private storage and is served only to that admin."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_exports"
    )
    # The organisation whose admin asked (null: platform staff): access is checked again on download.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    certificates = models.ManyToManyField(Certificate, related_name="+")
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=export_upload_to, storage=private_storage, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "ready", "failed"]), name="certificateexport_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Export {self.token} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("certificates:export_download", args=[self.token])
