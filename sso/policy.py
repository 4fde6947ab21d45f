"""The rules of organisation-enforced sign-in, read by the log-in, sign-up, password-reset and
social-login paths and by invitations and join links:

- An organisation owns an e-mail domain once it has verified it (sso.models.OrganisationDomain).
- A verified domain may require one identity provider. Everyone with an address at exactly that
  domain (not its subdomains) then signs in through that provider only: passwords are refused at
  log-in, sign-up and password reset, other providers are refused, and joining the organisation
  (by invitation or join link) asks for a sign-in through the provider first.
- Public mail domains (gmail.com and the like) can never be claimed."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.http import HttpRequest

from .models import OrganisationDomain

# Domains whose addresses belong to the public, not to one organisation.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "aol.com", "gmail.com", "googlemail.com", "gmx.com", "gmx.net", "hotmail.com", "icloud.com",
        "live.com", "mac.com", "mail.com", "me.com", "msn.com", "outlook.com", "proton.me",
        "protonmail.com", "yahoo.com", "yandex.com", "zoho.com", "fastmail.com", "hey.com",
    }
)  # fmt: skip


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def verified_domain_for(email: str) -> OrganisationDomain | None:
    """The verified domain of `email`, with its organisation (one query), or None."""
    domain = email_domain(email or "")
    if not domain:
        return None
    return (
        OrganisationDomain.objects.select_related("organisation")
        .filter(domain=domain, verified_at__isnull=False)
        .first()
    )


def domain_policy_for(email: str) -> OrganisationDomain | None:
    """The verified domain of `email` if it requires a provider (one query), or None."""
    owner = verified_domain_for(email)
    return owner if owner is not None and owner.required_provider else None


def provider_choices(request: HttpRequest | None) -> list[tuple[str, str]]:
    """(provider ID, name) of every configured identity provider."""
    return [(p.sub_id, p.name) for p in get_social_adapter().list_providers(request)]


def provider_name(request: HttpRequest | None, provider_id: str) -> str:
    return dict(provider_choices(request)).get(provider_id, provider_id)


def signed_in_through(request: HttpRequest, user, provider_id: str) -> bool:
    """Whether this session's sign-in went through `provider_id` (allauth records each method)."""
    return any(
        record.get("method") == "socialaccount" and record.get("provider") == provider_id
        for record in get_authentication_records(request, user)
    )


def unmet_policy(request: HttpRequest, user) -> OrganisationDomain | None:
    """The policy `user`'s current session does not meet (they signed in some other way before
    their domain started to require its provider), or None."""
    if not user.is_authenticated:
        return None
    policy = domain_policy_for(user.email)
    if policy is None or signed_in_through(request, user, policy.required_provider):
        return None
    return policy


def provider_login_url(request: HttpRequest, provider_id: str, next_url: str) -> str:
    """Where a "Sign in with …" form posts to, to come back to `next_url` signed in."""
    provider = get_social_adapter().get_provider(request, provider_id)
    return provider.get_login_url(request, process="login", next=next_url)
