"""Two-step sign-in (allauth.mfa: an authenticator app plus recovery codes).

Everyone may turn it on from their profile. It is required of anyone who can see other people's
data: platform staff and organisation owners and admins. They are not locked out when they lack
it: at their next sign-in they are sent to set it up, with the reason, and every page sends them
back there until they have (a flag in the session, so other requests cost no query). Turning it
on or off is written to the audit log of each organisation the user belongs to."""

import logging

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from allauth.mfa.utils import is_mfa_enabled
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import AuditEvent, Membership, User

logger = logging.getLogger("accounts.security")

SESSION_FLAG = "mfa_setup_required"


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The QR code for an authenticator app, drawn with segno (already used for certificate
        QR codes) instead of the `qrcode` package allauth would import."""
        import segno

        return segno.make(url, error="m").svg_inline(scale=5, border=2)


def mfa_required(user: User) -> bool:
    """Platform staff, and owners and admins of any organisation."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
    ).exists()


def mfa_flag_on_login(request: HttpRequest, user: User) -> None:
    """Called by the account adapter at every sign-in."""
    if mfa_required(user) and not is_mfa_enabled(user):
        request.session[SESSION_FLAG] = True
    else:
        request.session.pop(SESSION_FLAG, None)


# Pages a user who must set up two-step sign-in can still open: the set-up itself, signing out,
# the help lines, and re-entering the password (or signing in again through their identity
# provider, sso/) that set-up may ask for.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/google/",
    "/accounts/microsoft/",
    "/accounts/oidc/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/healthz",
)


class MFASetupRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            getattr(request, "session", None) is not None
            and request.session.get(SESSION_FLAG)
            and request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and request.path != reverse("courses:help")
        ):
            # The set-up page (and the password prompt before it) says why, from the flag.
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _audit(user: User, action: str, what: str) -> None:
    from .services import audit_record

    memberships = Membership.objects.filter(user=user).select_related("organisation")
    for membership in memberships:
        audit_record(organisation=membership.organisation, actor=user, action=action, target=what)
    logger.info("Two-step sign-in %s for user %s: %s", action, user.pk, what)


def _kind(authenticator: Authenticator) -> str:
    if authenticator.type == Authenticator.Type.TOTP:
        return _("authenticator app")
    return _("recovery codes")


@receiver(authenticator_added)
def _on_added(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        request.session.pop(SESSION_FLAG, None)
    _audit(user, AuditEvent.Action.MFA_ENABLE, _kind(authenticator))


@receiver(authenticator_removed)
def _on_removed(sender, request, user, authenticator, **kwargs) -> None:
    if request is not None and mfa_required(user) and not is_mfa_enabled(user):
        request.session[SESSION_FLAG] = True
    _audit(user, AuditEvent.Action.MFA_DISABLE, _kind(authenticator))


@receiver(authenticator_reset)
def _on_reset(sender, request, user, authenticator, **kwargs) -> None:
    _audit(user, AuditEvent.Action.MFA_RESET, _kind(authenticator))
