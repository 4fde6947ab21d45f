"""The certificate rules, as plain functions.

- A module certificate is issued when a module becomes complete; a track certificate when that
  completion makes every active module of an active track complete (and none of them due for
  renewal). `courses.services.module_refresh_completion` calls `certificate_issue_for_completion`
  inside its transaction, so a certificate exists exactly when the completion does.
- Once per learner, item and validity period (`cycle`): a partial unique constraint allows one
  live certificate per (learner, item, cycle), so a double request can never create two.
- The issuer is the organisation that assigned the item to the learner (the earliest such
  assignment; a track assignment covers its modules), else the platform. It sets the name,
  logo and signatory printed, and its validity period sets the expiry date.
- After expiry the module is due again (so it is too when an assigning organisation's validity
  period has run out since the completion, as its dashboard says); passing the quiz after that
  renews the completion and issues the next cycle's certificate.
- Revoking needs a reason. Re-issuing (e.g. after a name correction) withdraws the old
  certificate and issues a new one for the same period, with a fresh snapshot and a new code.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Organisation
from accounts.services import audit_record
from compliance.models import Assignment
from compliance.validity import add_months
from courses.models import Module, ModuleProgress, Track, TrackModule

from .codes import code_generate, normalise
from .models import Certificate, CertificateExport, Status
from .notices import certificates_expiring_soon
from .renewal import modules_due_since
from .tasks import certificate_expiry_notice_send, certificate_export_build

logger = logging.getLogger(__name__)

PLATFORM_ISSUER_NAME = "OnGuard"


@dataclass(frozen=True)
class Issuer:
    """Who certifies: the platform, or the organisation that assigned the item."""

    name: str
    organisation: Organisation | None = None
    signatory_name: str = ""
    signatory_title: str = ""
    validity_months: int | None = None


PLATFORM = Issuer(name=PLATFORM_ISSUER_NAME)


def assignments_covering(
    *, user, module: Module | None = None, track: Track | None = None
) -> QuerySet[Assignment]:
    """Assignments that apply to the learner (Assignment.objects.applying_to) and cover the
    item: a module directly or through an active track that holds it; a track directly."""
    if module is not None:
        covers = Q(module=module) | Q(track__is_active=True, track__track_modules__module=module)
    else:
        covers = Q(track=track)
    return Assignment.objects.applying_to(user).filter(covers)


def issuer_for(*, user, module: Module | None = None, track: Track | None = None) -> Issuer:
    """The organisation of the earliest assignment covering the item, else the platform."""
    assignment = (
        assignments_covering(user=user, module=module, track=track)
        .select_related("organisation")
        .order_by("created_at", "pk")
        .first()
    )
    if assignment is None:
        return PLATFORM
    organisation = assignment.organisation
    return Issuer(
        name=organisation.name,
        organisation=organisation,
        signatory_name=organisation.certificate_signatory_name,
        signatory_title=organisation.certificate_signatory_title,
        validity_months=organisation.certificate_validity_months,
    )


# --- Access helpers ---------------------------------------------------------------------------


def get_certificate_for_user(user, code: str) -> Certificate:
    """A certificate its holder (or platform staff) may download: anyone else gets 404, so a
    code alone never hands out someone's PDF. A revoked or withdrawn one is no longer the
    holder's to download."""
    canonical = normalise(code)
    if canonical is None:
        raise Http404
    certificate = get_object_or_404(Certificate.objects.select_related("module", "track"), code=canonical)
    if user.is_staff:
        return certificate
    if certificate.user_id != user.pk or certificate.revoked_at is not None:
        raise Http404
    return certificate


def get_certificate_for_manager(user, code: str, *, organisation: Organisation | None = None) -> Certificate:
    """A certificate someone may revoke or re-issue. With `organisation` (fetched through
    accounts.services.get_organisation_for_user(admin=True)), only that organisation's own;
    without, platform staff only. Anyone else, or another organisation's code, gets 404."""
    canonical = normalise(code)
    if canonical is None or (organisation is None and not user.is_staff):
        raise Http404
    certificates = Certificate.objects.select_related("module", "track", "user", "revoked_by", "replaced_by")
    if organisation is not None:
        certificates = certificates.filter(organisation=organisation)
    return get_object_or_404(certificates, code=canonical)


def certificates_for_manager(user, *, organisation: Organisation | None = None) -> QuerySet[Certificate]:
    """Every certificate an admin may list and export: their organisation's, or (platform
    staff, without an organisation) all of them."""
    require_certificate_manager(user, organisation=organisation)
    if organisation is not None:
        return Certificate.objects.filter(organisation=organisation)
    return Certificate.objects.all()


def require_certificate_manager(user, *, organisation: Organisation | None = None) -> None:
    """Raise PermissionDenied unless `user` may manage `organisation`'s certificates (fetched
    through get_organisation_for_user(admin=True)) or, without one, is platform staff."""
    if organisation is None and not user.is_staff:
        raise PermissionDenied


def get_export_for_user(user, token) -> CertificateExport:
    """Only the admin who asked, and only while they still may see those certificates."""
    export = get_object_or_404(CertificateExport, token=token, requested_by=user)
    if export.organisation_id is None:
        allowed = user.is_staff
    else:
        membership = Membership.objects.filter(user=user, organisation_id=export.organisation_id).first()
        allowed = membership is not None and membership.is_admin
    if not allowed:
        raise Http404
    return export


def exports_for_user(user, *, organisation: Organisation | None = None) -> QuerySet[CertificateExport]:
    return CertificateExport.objects.filter(requested_by=user, organisation=organisation).order_by(
        "-created_at"
    )


def certificate_lookup(code: str) -> Certificate | None:
    """For the public verification page: the certificate with this code, or None."""
    canonical = normalise(code)
    if canonical is None:
        return None
    return (
        Certificate.objects.select_related("module", "track", "replaced_by", "organisation")
        .filter(code=canonical)
        .first()
    )


# --- Issuing ----------------------------------------------------------------------------------


def track_content_version(track: Track) -> str:
    """A track's version: the hash of its modules' hashes, in order."""
    hashes = [tm.module.content_hash for tm in track.track_modules.all()]
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def tracks_completed(*, user, module: Module) -> list[Track]:
    """Active tracks holding `module` whose every active module the learner has completed and
    none is due again (compliance.validity), in four or five queries."""
    track_modules = TrackModule.objects.filter(module__is_active=True).select_related("module")
    tracks = list(
        Track.objects.filter(is_active=True, track_modules__module=module)
        .distinct()
        .prefetch_related(Prefetch("track_modules", queryset=track_modules))
    )
    needed = {tm.module_id for track in tracks for tm in track.track_modules.all()}
    completions = dict(
        ModuleProgress.objects.filter(
            user=user, module_id__in=needed, completed_at__isnull=False
        ).values_list("module_id", "completed_at")
    )
    done = set(completions) - set(modules_due_since(user=user, completions=completions))
    return [t for t in tracks if all(tm.module_id in done for tm in t.track_modules.all())]


@transaction.atomic
def certificate_issue_for_completion(*, user, module: Module) -> list[Certificate]:
    """Certify a module completion, and any track it completes. Idempotent: returns the
    certificates that cover this completion, issuing only those that do not exist yet."""
    progress = ModuleProgress.objects.select_related("facilitated_by").get(user=user, module=module)
    if progress.completed_at is None:
        return []
    facilitated = {}
    if progress.facilitated_on is not None:
        facilitator = progress.facilitated_by
        facilitated = {
            "facilitator_name": (facilitator.name or facilitator.email) if facilitator else "",
            "facilitated_on": progress.facilitated_on,
        }
    certificates = [
        certificate_issue(
            user=user, module=module, completed_at=progress.completed_at, facilitated=facilitated
        )
    ]
    for track in tracks_completed(user=user, module=module):
        certificates.append(certificate_issue(user=user, track=track, completed_at=progress.completed_at))
    return certificates


def certificate_issue(
    *,
    user,
    completed_at: datetime,
    module: Module | None = None,
    track: Track | None = None,
    facilitated: dict | None = None,
) -> Certificate:
    """The live certificate for this learner and item that covers `completed_at`, issued now if
    there is none: the first (cycle 1), or the next cycle once the last one has expired, or once
    another organisation has become the issuer (a renewal its validity period asked for)."""
    item = {"module": module} if module is not None else {"track": track}
    issuer = issuer_for(user=user, module=module, track=track)
    latest = Certificate.objects.live().filter(user=user, **item).order_by("-cycle").first()
    if (
        latest is not None
        and (latest.expires_at is None or latest.expires_at > completed_at)
        and latest.organisation_id == (issuer.organisation.pk if issuer.organisation else None)
    ):
        return latest
    cycle = latest.cycle + 1 if latest else 1
    fields = {
        "user": user,
        "cycle": cycle,
        "completed_at": completed_at,
        "learner_name": user.name or user.email,
        "item_title": (module or track).title,
        "item_titles": item_titles(module or track),
        "content_version": module.content_hash if module is not None else track_content_version(track),
        **_issuer_fields(issuer, completed_at),
        **(facilitated or {}),
        **item,
    }
    return _create_with_fresh_code(
        fields, existing=Certificate.objects.live().filter(user=user, cycle=cycle, **item)
    )


def item_titles(item: Module | Track) -> dict[str, str]:
    """The snapshot of a module's or track's title in each language it is translated into."""
    return {
        language: words["title"]
        for language, words in (item.translations or {}).items()
        if isinstance(words, dict) and words.get("title")
    }


def _issuer_fields(issuer: Issuer, completed_at: datetime) -> dict:
    return {
        "organisation": issuer.organisation,
        "issuer_name": issuer.name,
        "signatory_name": issuer.signatory_name,
        "signatory_title": issuer.signatory_title,
        "expires_at": add_months(completed_at, issuer.validity_months) if issuer.validity_months else None,
    }


def _create_with_fresh_code(fields: dict, *, existing: QuerySet[Certificate] | None) -> Certificate:
    """Insert in a savepoint. If a concurrent request issued the same certificate first, the
    unique constraint refuses ours and we return theirs; a code collision (1 in 2^80) retries."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=code_generate(), issued_at=timezone.now(), **fields)
        except IntegrityError:
            winner = existing.first() if existing is not None else None
            if winner is not None:
                return winner
    raise IntegrityError("Could not find a free certificate code.")


# --- Revoking and re-issuing -----------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke with a reason (idempotent: a revoked certificate keeps its first revocation)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A revocation needs a reason.")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    return locked


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by) -> Certificate:
    """Withdraw `certificate` and issue its replacement for the same item and period, with
    today's learner name and a new code. The expiry date stays: a correction is not a renewal."""
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("user", "module", "track")
        .get(pk=certificate.pk)
    )
    if old.revoked_at is not None:
        raise ValueError("Only a live certificate can be re-issued.")
    old.revoked_at = timezone.now()
    old.revocation_reason = _("Re-issued")
    old.revoked_by = by
    old.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    fields = {
        f: getattr(old, f)
        for f in [
            "user",
            "module",
            "track",
            "cycle",
            "organisation",
            "completed_at",
            "item_title",
            "item_titles",
            "content_version",
            "issuer_name",
            "signatory_name",
            "signatory_title",
            "expires_at",
        ]
    }
    fields["learner_name"] = old.user.name or old.user.email
    new = _create_with_fresh_code(fields, existing=None)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new


@transaction.atomic
def certificate_correct_name(*, certificate: Certificate, user) -> Certificate:
    """The holder corrects the name on their own certificate: it is re-issued with their
    current name (certificate_reissue), the old one records why it was withdrawn, and the
    issuing organisation's audit log says so. Raises ValueError if the name is already right."""
    if certificate.user_id != user.pk or certificate.revoked_at is not None:
        raise PermissionDenied
    old_name, new_name = certificate.learner_name, user.name or user.email
    if old_name == new_name:
        raise ValueError("The certificate already shows this name.")
    new = certificate_reissue(certificate=certificate, by=user)
    reason = _("Name corrected by the learner: %(old)s → %(new)s") % {"old": old_name, "new": new_name}
    Certificate.objects.filter(pk=certificate.pk).update(revocation_reason=reason)
    if certificate.organisation_id:
        audit_record(
            organisation=certificate.organisation,
            actor=user,
            action=AuditEvent.Action.CERTIFICATE_NAME_CORRECT,
            target=f"{certificate.code} → {new.code}: {old_name} → {new_name}",
        )
    return new


# --- Reads for pages --------------------------------------------------------------------------


def certificates_for_learner(*, user) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(user=user).select_related("module", "track").order_by("-issued_at", "-pk")
    )


def certificates_for_module(*, user, module: Module) -> list[Certificate]:
    """The learner's live certificates for `module` and for the tracks holding it, newest first
    (1 query): what the quiz result page offers after a pass."""
    return list(
        Certificate.objects.with_status(Status.VALID)
        .filter(Q(module=module) | Q(track__track_modules__module=module), user=user)
        .select_related("module", "track")
        .distinct()
        .order_by("-issued_at")
    )


# --- ZIP exports (built by a background task) ------------------------------------------------


@transaction.atomic
def certificate_export_create(
    *, user, certificate_ids: list[int], organisation: Organisation | None = None
) -> CertificateExport:
    """Record an export of these certificates and queue its build once the row is committed."""
    export = CertificateExport.objects.create(
        requested_by=user, organisation=organisation, created_at=timezone.now(), count=len(certificate_ids)
    )
    export.certificates.set(certificate_ids)
    transaction.on_commit(lambda: certificate_export_build.enqueue(export.pk))
    return export


# --- Expiry notices (a management command finds them, a task sends each learner's) -----------


def certificate_expiry_notices_queue(*, now: datetime | None = None) -> int:
    """Queue one notice task per learner with certificates expiring soon. Returns how many
    learners. The tasks themselves make sure each certificate is notified once."""
    by_user: dict[int, list[int]] = {}
    for pk, user_id in certificates_expiring_soon(now=now).values_list("pk", "user_id").iterator():
        by_user.setdefault(user_id, []).append(pk)
    for user_id, ids in by_user.items():
        transaction.on_commit(lambda u=user_id, i=ids: certificate_expiry_notice_send.enqueue(u, i))
    return len(by_user)


def certificates_withdraw_for_account_deletion(*, user) -> int:
    """Before an account is deleted: its certificates verify as withdrawn from then on, with the
    learner's name removed. Returns how many were withdrawn."""
    certificates = Certificate.objects.filter(user=user)
    withdrawn = certificates.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason="The learner deleted their account."
    )
    certificates.update(learner_name="")
    return withdrawn
