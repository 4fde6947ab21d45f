"""OnGuard's allauth social-account adapter: who a provider's user becomes here (their name for
certificates, their role), when a provider's word on an e-mail address is trusted, and the
refusal of any other way in for addresses whose organisation requires its provider."""

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.names import name_problems

from .policy import domain_policy_for, email_domain, provider_name, verified_domain_for
from .services import sign_in_refusal_record

logger = logging.getLogger("onguard.security")

# Microsoft's "mail" can be set by the admin of any tenant: only an app limited to one tenant
# (the school's) can vouch for an address (docs/sso.md).
MICROSOFT_SHARED_TENANTS = {"common", "organizations", "consumers"}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.name = (name or "").strip()[:150]
        owner = verified_domain_for(user.email)
        if owner is not None and owner.organisation.kind == Organisation.Kind.SCHOOL:
            user.role = User.Role.EDUCATOR
        return user

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """A new account is made at once only with a name fit for certificates; otherwise the
        sign-up form asks for one."""
        name = sociallogin.user.name
        return super().is_auto_signup_allowed(request, sociallogin) and bool(name) and not name_problems(name)

    def is_email_verified(self, provider, email: str) -> bool:
        """For providers whose answers carry no `email_verified` (Microsoft): trusted only for a
        domain an organisation verified and tied to this very provider, limited to one tenant."""
        if super().is_email_verified(provider, email):
            return True
        owner = verified_domain_for(email)
        if owner is None or owner.required_provider != provider.sub_id:
            return False
        tenant = provider.app.settings.get("tenant", "common") if provider.app else "common"
        return provider.id != "microsoft" or tenant not in MICROSOFT_SHARED_TENANTS

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse signing in through another provider than the one an address's organisation
        requires (connecting one more provider to a signed-in account is allowed)."""
        if sociallogin.state.get("process") == "connect":
            return
        used = sociallogin.account.provider
        addresses = {sociallogin.user.email} if sociallogin.user and sociallogin.user.email else set()
        addresses |= {address.email for address in sociallogin.email_addresses}
        for email in sorted(a for a in addresses if a):
            policy = domain_policy_for(email)
            if policy is not None and policy.required_provider != used:
                sign_in_refusal_record(
                    organisation=policy.organisation,
                    email=email,
                    reason=_("signed in through %(used)s, not %(required)s")
                    % {"used": used, "required": policy.required_provider},
                )
                context = {
                    "policy": policy,
                    "provider_name": provider_name(request, policy.required_provider),
                    "domain": email_domain(email),
                }
                raise ImmediateHttpResponse(render(request, "sso/refused.html", context, status=403))

    def validate_disconnect(self, account, accounts) -> None:
        """The provider an address's organisation requires is its only way in: keep it."""
        policy = domain_policy_for(account.user.email)
        if policy is None or account.provider != policy.required_provider:
            return
        if not accounts.exclude(pk=account.pk).filter(provider=policy.required_provider).exists():
            raise ValidationError(
                _("%(organisation)s requires this sign-in for @%(domain)s addresses, so it stays connected.")
                % {"organisation": policy.organisation.name, "domain": policy.domain}
            )

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """allauth then shows socialaccount/authentication_error.html (a clear page); the
        organisation is not known at this point, so the failure goes to the security log."""
        logger.warning(
            "Sign-in through %s failed: %s %s",
            getattr(provider, "sub_id", provider),
            error,
            exception.__class__.__name__ if exception else "",
        )
