"""Organisations and their people: the access helpers every organisation page goes through, the
audit log, and the writes that change an organisation and who belongs to it. Invitations are in
accounts/invitations.py; exporting and deleting an account in accounts/privacy.py.

Access rules: a non-member (or an admin of another organisation) gets 404 for everything of an
organisation; a member gets PermissionDenied (403) on admin pages. Every other object of an
organisation (member, group, invitation, assignment) is looked up through the organisation."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .logos import logo_reencode
from .models import AuditEvent, Invitation, Membership, Organisation, OrganisationGroup, User, new_token

# --- Access helpers ---------------------------------------------------------------------------


def get_membership_for_user(user, slug: str, *, admin: bool = False) -> Membership:
    """`user`'s membership of the organisation `slug`, with the organisation (one query). 404 for
    outsiders, PermissionDenied for members on admin pages."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404
    if admin and not membership.is_admin:
        raise PermissionDenied(_("Only the organisation's owners and admins can see this page."))
    return membership


def get_organisation_for_user(user, slug: str, *, admin: bool = False) -> Organisation:
    """The organisation `slug` if `user` belongs to it (and, with `admin`, administers it); the
    same rules as get_membership_for_user."""
    return get_membership_for_user(user, slug, admin=admin).organisation


# The helpers below take an organisation the caller has already fetched through one of the two
# above: they look an object up inside it, so another organisation's key is a 404.


def get_member_in(organisation: Organisation, key: str) -> Membership:
    return get_object_or_404(organisation.memberships.select_related("user"), key=key)


def get_group_in(organisation: Organisation, key: str) -> OrganisationGroup:
    return get_object_or_404(organisation.groups.all(), key=key)


def get_invitation_in(organisation: Organisation, token: str) -> Invitation:
    return get_object_or_404(organisation.invitations.all(), token=token)


# --- Audit ------------------------------------------------------------------------------------


def audit_record(*, organisation: Organisation, actor: User | None, action: str, target: str = "") -> None:
    AuditEvent.objects.create(organisation=organisation, actor=actor, action=action, target=target[:300])


# --- Organisations ----------------------------------------------------------------------------


# Paths under /orgs/ that are not organisations.
RESERVED_SLUGS = {"new"}


def unique_slug(name: str) -> str:
    """A slug from `name` that no organisation has yet (one query)."""
    base = slugify(name)[:70].strip("-") or "organisation"
    if base in RESERVED_SLUGS:
        base += "-org"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def organisation_create(*, user: User, name: str, kind: str, **fields) -> Organisation:
    """Create an organisation with `user` as its owner."""
    organisation = Organisation.objects.create(name=name, kind=kind, slug=unique_slug(name), **fields)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    audit_record(
        organisation=organisation, actor=user, action=AuditEvent.Action.ORGANISATION_CREATE, target=name
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, fields: dict, logo=None) -> None:
    """Save changed settings; a new logo is re-encoded (accounts.logos) before it is stored."""
    for name, value in fields.items():
        setattr(organisation, name, value)
    update = list(fields)
    if logo is not None:
        organisation.logo.save(
            f"{organisation.slug}-{new_token()[:8]}", logo_reencode(logo, name="logo"), save=False
        )
        update.append("logo")
    organisation.save(update_fields=update)
    audit_record(organisation=organisation, actor=actor, action=AuditEvent.Action.ORGANISATION_UPDATE)


def join_link_change(*, organisation: Organisation, actor: User, enabled: bool, rotate: bool = False) -> None:
    organisation.join_enabled = enabled
    if rotate:
        organisation.join_code = new_token()
    organisation.save(update_fields=["join_enabled", "join_code"])
    target = _("on") if enabled else _("off")
    if rotate:
        target += ", " + _("new code")
    audit_record(
        organisation=organisation, actor=actor, action=AuditEvent.Action.JOIN_LINK_CHANGE, target=target
    )


# --- Memberships ------------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user: User,
    group: OrganisationGroup | None = None,
    actor: User | None = None,
) -> tuple[Membership, bool]:
    """Make `user` a member (idempotent), adding them to `group` if given. Returns (membership,
    created). The audit log names `actor` (an admin who added them) or else `user`."""
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if group is not None and group.organisation_id == organisation.pk:
        group.members.add(membership)
    if created:
        audit_record(
            organisation=organisation,
            actor=actor or user,
            action=AuditEvent.Action.MEMBER_JOIN,
            target=user.email,
        )
    return membership, created


def _lock_owners(organisation: Organisation) -> int:
    """Lock the organisation's owner rows and count them, so two concurrent demotions cannot
    both pass the last-owner check."""
    return len(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Membership.Role.OWNER)
        .values_list("pk", flat=True)
    )


def _refuse_last_owner(organisation: Organisation, membership: Membership, message: str) -> None:
    if membership.role == Membership.Role.OWNER and _lock_owners(organisation) <= 1:
        raise ValidationError(message, code="last_owner")


@transaction.atomic
def membership_set_role(*, actor: Membership, membership: Membership, role: str) -> None:
    """`actor` (an admin's membership) changes `membership`'s role, in the same organisation.
    Only owners may make or unmake owners; the last owner stays."""
    organisation = actor.organisation
    if membership.organisation_id != organisation.pk:
        raise PermissionDenied
    if role == membership.role:
        return
    if Membership.Role.OWNER in (role, membership.role) and actor.role != Membership.Role.OWNER:
        raise PermissionDenied(_("Only an owner can change who is an owner."))
    _refuse_last_owner(
        organisation, membership, _("An organisation needs an owner: make someone else an owner first.")
    )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organisation=organisation,
        actor=actor.user,
        action=AuditEvent.Action.ROLE_CHANGE,
        target=f"{membership.user.email}: {old} → {role}",
    )


@transaction.atomic
def membership_remove(*, actor: Membership, membership: Membership) -> None:
    """`actor` (an admin's membership) removes `membership` from their organisation. The
    organisation loses sight of the member: their groups, named assignments and due-date
    extensions there go with the membership (by cascade); their progress and certificates stay
    theirs."""
    organisation = actor.organisation
    if membership.organisation_id != organisation.pk:
        raise PermissionDenied
    if membership.role == Membership.Role.OWNER and actor.role != Membership.Role.OWNER:
        raise PermissionDenied(_("Only an owner can remove an owner."))
    _refuse_last_owner(organisation, membership, _("The last owner cannot be removed."))
    email = membership.user.email
    membership.delete()
    audit_record(
        organisation=organisation, actor=actor.user, action=AuditEvent.Action.MEMBER_REMOVE, target=email
    )


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    """The member leaves their organisation (as membership_remove, but by themselves)."""
    organisation = membership.organisation
    _refuse_last_owner(
        organisation, membership, _("You are the last owner: make someone else an owner before you leave.")
    )
    user = membership.user
    membership.delete()
    audit_record(
        organisation=organisation, actor=user, action=AuditEvent.Action.MEMBER_LEAVE, target=user.email
    )


# --- Groups -----------------------------------------------------------------------------------


def group_create(*, organisation: Organisation, actor: User, name: str) -> OrganisationGroup:
    group = OrganisationGroup.objects.create(organisation=organisation, name=name)
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.GROUP_CHANGE,
        target=_("created %s") % name,
    )
    return group


@transaction.atomic
def group_update(
    *, organisation: Organisation, actor: User, group: OrganisationGroup, name: str, members: list[Membership]
) -> None:
    """Rename the group and set its members (all of them members of `organisation`)."""
    if any(m.organisation_id != organisation.pk for m in members):
        raise PermissionDenied
    group.name = name
    group.save(update_fields=["name"])
    group.members.set(members)
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.GROUP_CHANGE,
        target=_("%(name)s: %(count)d members") % {"name": name, "count": len(members)},
    )


@transaction.atomic
def group_delete(*, organisation: Organisation, actor: User, group: OrganisationGroup) -> None:
    """Delete the group and the assignments made to it (members' progress is untouched)."""
    name = group.name
    group.delete()
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.GROUP_CHANGE,
        target=_("deleted %s") % name,
    )


def organisations_needing_another_owner(*, user: User) -> list[Organisation]:
    """Organisations that `user` alone owns and others belong to: the account cannot go before
    someone else is made an owner."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).values("organisation_id")
    other_owners = Membership.objects.filter(role=Membership.Role.OWNER).exclude(user=user)
    return list(
        Organisation.objects.filter(pk__in=owned, memberships__in=Membership.objects.exclude(user=user))
        .exclude(pk__in=other_owners.values("organisation_id"))
        .distinct()
    )


def organisations_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    )
