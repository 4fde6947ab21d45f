"""Inviting people into an organisation: one address, a pasted or uploaded CSV (checked row by
row first, so the admin sees every bad row and why before anything is sent), or a join link.

Invitation e-mails go out from a background task, and only once the transaction that created
the invitations has committed."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEvent, Invitation, Membership, Organisation, OrganisationGroup, User
from .roster import InviteRow, read_text
from .services import audit_record, membership_add
from .tasks import send_invitations

# The most rows one paste or upload may hold: enough for a large school, small enough to preview.
CSV_MAX_ROWS = 2000


@dataclass
class InvitePreview:
    good: list[InviteRow]
    bad: list[InviteRow]


def invite_rows_parse(text: str) -> list[InviteRow]:
    """The people in a pasted list (accounts.roster reads it: header or not, any delimiter).
    Raises ValidationError for text that is not CSV at all."""
    return read_text(text).rows


def invite_rows_check(*, organisation: Organisation, rows: list[InviteRow]) -> InvitePreview:
    """Sort rows into good and bad, each bad row with its reasons (two queries, whatever the
    number of rows)."""
    if len(rows) > CSV_MAX_ROWS:
        raise ValidationError(
            _("Invite at most %(max)d people at a time.") % {"max": CSV_MAX_ROWS}, code="too_many"
        )
    for row in rows:
        if len(row.name) > 150:
            row.errors.append(_("the name is longer than 150 characters"))
        if len(row.group) > 100:
            row.errors.append(_("the group name is longer than 100 characters"))
        if "\x00" in row.name or "\x00" in row.group:  # a NUL byte cannot be stored, only refused
            row.errors.append(_("the row contains a character that is not allowed"))
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(
                _("“%s” is not a valid e-mail address") % row.email if row.email else _("no e-mail address")
            )
    emails = {r.email.lower() for r in rows if not r.errors}
    members = {
        e.lower()
        for e in Membership.objects.filter(
            organisation=organisation, user__email__in=_variants([r for r in rows if not r.errors])
        ).values_list("user__email", flat=True)
    }
    invited = {
        e.lower()
        for e in organisation.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("email", flat=True)
        if e.lower() in emails
    }
    seen: dict[str, int] = {}
    for row in rows:
        if row.errors:
            continue
        email = row.email.lower()
        if email in seen:
            row.errors.append(_("a duplicate of line %d") % seen[email])
        elif email in members:
            row.errors.append(_("already a member"))
        elif email in invited:
            row.errors.append(_("already invited (resend it from the invitations list)"))
        seen.setdefault(email, row.line)
    return InvitePreview(good=[r for r in rows if not r.errors], bad=[r for r in rows if r.errors])


def _variants(rows: list[InviteRow]) -> list[str]:
    # User e-mails are stored as typed; compare case-insensitively without a function index.
    return sorted({v for r in rows for v in (r.email, r.email.lower())})


def _enqueue_send(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: send_invitations.enqueue(ids))


@transaction.atomic
def invitations_create(*, organisation: Organisation, actor: User, rows: list[InviteRow]) -> list[Invitation]:
    """Invite the good rows (already checked), creating any group they name, and queue the
    e-mails for after commit."""
    groups = {g.name.lower(): g for g in organisation.groups.all()}
    for name in sorted({r.group for r in rows if r.group}, key=str.lower):
        if name.lower() not in groups:
            groups[name.lower()] = OrganisationGroup.objects.create(organisation=organisation, name=name)
    expires = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitations = Invitation.objects.bulk_create(
        Invitation(
            organisation=organisation,
            email=row.email,
            name=row.name,
            group=groups.get(row.group.lower()) if row.group else None,
            invited_by=actor,
            expires_at=expires,
        )
        for row in rows
    )
    if len(invitations) == 1:
        target = invitations[0].email
    else:
        target = _("%d people") % len(invitations)
    audit_record(organisation=organisation, actor=actor, action=AuditEvent.Action.INVITE, target=target)
    # bulk_create sets primary keys on PostgreSQL and SQLite alike.
    _enqueue_send([i.pk for i in invitations])
    return invitations


@transaction.atomic
def invitation_resend(*, organisation: Organisation, actor: User, invitation: Invitation) -> None:
    """Send again with a fresh expiry date (only invitations not yet accepted or revoked)."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation was already accepted or revoked."), code="closed")
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["expires_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.INVITE_RESEND,
        target=invitation.email,
    )
    _enqueue_send([invitation.pk])


@transaction.atomic
def invitation_revoke(*, organisation: Organisation, actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.INVITE_REVOKE,
        target=invitation.email,
    )


def joining_organisation(next_url: str) -> Organisation | None:
    """The organisation a `next` URL leads into, when it is an open invitation or an enabled join
    link on this site (for the log-in and sign-up pages to say where the person is going); else
    None. One query at most."""
    if not next_url.startswith("/") or next_url.startswith("//"):
        return None
    try:
        match = resolve(next_url.split("?", 1)[0])
    except Resolver404:
        return None
    if match.view_name == "invitations:join":
        return Organisation.objects.filter(join_code=match.kwargs["code"], join_enabled=True).first()
    if match.view_name == "invitations:accept":
        invitation = (
            Invitation.objects.select_related("organisation").filter(token=match.kwargs["token"]).first()
        )
        return invitation.organisation if invitation and invitation.is_open else None
    return None


def invitation_matches(invitation: Invitation, user: User) -> bool:
    return user.is_authenticated and user.email.lower() == invitation.email.lower()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """`user` joins the organisation. Only the account with the invited address can accept, and
    only while the invitation is open; accepting twice is harmless."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "group")
        .get(pk=invitation.pk)
    )
    if not invitation_matches(invitation, user):
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    if invitation.accepted_at is None and not invitation.is_open:
        raise ValidationError(_("This invitation is no longer valid."), code="closed")
    membership, _created = membership_add(
        organisation=invitation.organisation, user=user, group=invitation.group
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def invitation_sign_up(*, invitation: Invitation, name: str, password: str) -> User:
    """Create the account for an invited address that has none yet, and accept. The address is
    verified: the invitee reached this page through the link mailed to it."""
    from allauth.account.models import EmailAddress

    school = invitation.organisation.kind == Organisation.Kind.SCHOOL
    role = User.Role.EDUCATOR if school else User.Role.PARENT
    user = User.objects.create_user(email=invitation.email, password=password, name=name, role=role)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    invitation_accept(invitation=invitation, user=user)
    return user
