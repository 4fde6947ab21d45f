"""allauth's log-in, sign-up and password-reset forms, refusing passwords for addresses at a
domain whose organisation requires its identity provider (sso/policy.py). The refusal depends
on the domain only, never on whether an account exists, so it reveals nothing about accounts."""

from allauth.account import forms as allauth_forms
from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.auth_forms import LoginForm as SiteLoginForm
from accounts.models import Organisation

from .models import OrganisationDomain
from .policy import PUBLIC_EMAIL_DOMAINS, domain_policy_for, provider_name


def _refusal(request, email: str) -> str | None:
    policy = domain_policy_for(email)
    if policy is None:
        return None
    return _(
        "%(organisation)s signs in everyone with an @%(domain)s address through %(provider)s. "
        "Use the “Sign in with %(provider)s” button instead of a password."
    ) % {
        "organisation": policy.organisation.name,
        "domain": policy.domain,
        "provider": provider_name(request, policy.required_provider),
    }


class LoginForm(SiteLoginForm):
    def clean(self):
        email = (self.data.get("login") or "").strip()
        if message := _refusal(self.request, email):
            raise forms.ValidationError(message, code="sso_required")
        return super().clean()


class SignupForm(allauth_forms.SignupForm):
    def clean_email(self):
        email = super().clean_email()
        if message := _refusal(getattr(self, "request", None), email):
            raise forms.ValidationError(message, code="sso_required")
        return email


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def clean_email(self):
        email = super().clean_email()
        if message := _refusal(None, email):
            raise forms.ValidationError(message, code="sso_required")
        return email


# --- Organisation pages -----------------------------------------------------------------------

DOMAIN_MAX_LENGTH = 253


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=gettext_lazy("Your e-mail domain"),
        max_length=DOMAIN_MAX_LENGTH,
        help_text=gettext_lazy("The part after the @ in your staff's addresses, such as school.org."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().lstrip("@").rstrip(".")
        try:
            validate_email(f"someone@{domain}")
        except forms.ValidationError:
            raise forms.ValidationError(_("Enter a domain such as school.org.")) from None
        if "." not in domain:
            raise forms.ValidationError(_("Enter a domain such as school.org."))
        if domain in PUBLIC_EMAIL_DOMAINS:
            raise forms.ValidationError(
                _("%s is a public e-mail service: no organisation can claim it.") % domain
            )
        if self.organisation.sso_domains.filter(domain=domain).exists():
            raise forms.ValidationError(_("This domain is already on the list."))
        if OrganisationDomain.objects.filter(domain=domain, verified_at__isnull=False).exists():
            raise forms.ValidationError(_("Another organisation has already verified this domain."))
        return domain


class RequireProviderForm(forms.Form):
    required_provider = forms.ChoiceField(
        label=gettext_lazy("How people with this domain sign in"), widget=forms.RadioSelect
    )

    def __init__(self, *args, providers: list[tuple[str, str]], **kwargs):
        """`providers`: (ID, name) of the configured providers (sso.policy.provider_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["required_provider"].choices = [("", _("Password or any sign-in service"))] + [
            (value, _("Only through %s") % name) for value, name in providers
        ]
