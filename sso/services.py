"""Writes of organisation-enforced sign-in: adding, verifying and removing a domain, requiring
a provider for it and recording refused
sign-ins. Every change is written to the organisation's audit log."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from accounts.services import audit_record

from .dns import LookupFailed, txt_records
from .models import OrganisationDomain

logger = logging.getLogger("onguard.security")

# The organisation comes from accounts.services.get_organisation_for_user: its own domains only.


def get_domain_in(organisation: Organisation, key: str) -> OrganisationDomain:
    return get_object_or_404(organisation.sso_domains.all(), key=key)


def domain_add(*, organisation: Organisation, actor: User, domain: str) -> OrganisationDomain:
    try:
        with transaction.atomic():
            added = OrganisationDomain.objects.create(
                organisation=organisation, domain=domain, added_by=actor
            )
    except IntegrityError:
        raise ValidationError(_("This domain is already on the list."), code="duplicate") from None
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.SSO_DOMAIN,
        target=_("added %s") % domain,
    )
    return added


def domain_verify(*, organisation: Organisation, actor: User, domain: OrganisationDomain) -> bool:
    """Look the TXT record up; True once the domain is verified. ValidationError says why not."""
    if domain.organisation_id != organisation.pk:
        raise PermissionDenied
    if domain.is_verified:
        return True
    try:
        records = txt_records(domain.record_name)
    except LookupFailed as exc:
        logger.warning("DNS lookup for %s failed: %s", domain.record_name, exc)
        raise ValidationError(
            _("We could not reach the DNS to check %s. Try again in a few minutes.") % domain.domain,
            code="dns_unreachable",
        ) from None
    domain.checked_at = timezone.now()
    if domain.record_value not in [r.strip() for r in records]:
        domain.save(update_fields=["checked_at"])
        raise ValidationError(
            _("The TXT record was not found yet. DNS changes can take up to a day to show."), code="not_found"
        )
    domain.verified_at = domain.checked_at
    try:
        with transaction.atomic():
            domain.save(update_fields=["checked_at", "verified_at"])
    except IntegrityError:
        raise ValidationError(
            _("Another organisation has already verified this domain."), code="taken"
        ) from None
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.SSO_DOMAIN,
        target=_("verified %s") % domain.domain,
    )
    return True


def domain_remove(*, organisation: Organisation, actor: User, domain: OrganisationDomain) -> None:
    if domain.organisation_id != organisation.pk:
        raise PermissionDenied
    name = domain.domain
    domain.delete()
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.SSO_DOMAIN,
        target=_("removed %s") % name,
    )


def domain_require_provider(
    *,
    organisation: Organisation,
    actor: User,
    domain: OrganisationDomain,
    provider_id: str,
    provider_label: str,
) -> None:
    """Require `provider_id` (or, with "", no provider) for the verified `domain`."""
    if domain.organisation_id != organisation.pk:
        raise PermissionDenied
    if provider_id and not domain.is_verified:
        raise ValidationError(_("Verify the domain first."), code="unverified")
    if domain.required_provider == provider_id:
        return
    domain.required_provider = provider_id
    domain.save(update_fields=["required_provider"])
    target = (
        _("%(domain)s: only %(provider)s") % {"domain": domain.domain, "provider": provider_label}
        if provider_id
        else _("%s: any sign-in") % domain.domain
    )
    audit_record(organisation=organisation, actor=actor, action=AuditEvent.Action.SSO_REQUIRE, target=target)


def sign_in_refusal_record(*, organisation: Organisation | None, email: str, reason: str) -> None:
    """A refused sign-in: in the organisation's audit log when it is known, and in the log."""
    logger.warning("Sign-in refused for %s: %s", email or "(no address)", reason)
    if organisation is not None:
        audit_record(
            organisation=organisation,
            actor=None,
            action=AuditEvent.Action.SSO_REFUSED,
            target=f"{email}: {reason}",
        )
