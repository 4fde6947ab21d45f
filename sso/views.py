"""An organisation's sign-in page (admins only): its e-mail domains, their verification by a
DNS TXT record, and which identity provider each requires. Every view goes through
accounts.services.get_organisation_for_user and looks domains up inside the organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import get_organisation_for_user

from .forms import DomainForm, RequireProviderForm
from .policy import provider_choices, provider_name
from .services import domain_add, domain_remove, domain_require_provider, domain_verify, get_domain_in


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = DomainForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            domain = domain_add(
                organisation=organisation, actor=request.user, domain=form.cleaned_data["domain"]
            )
        except ValidationError as error:
            form.add_error("domain", error)
        else:
            messages.success(request, _("Now add the TXT record for %s, then check it.") % domain.domain)
            return redirect("sso:settings", slug)
    providers = provider_choices(request)  # one query, whatever the number of domains
    domains = [
        (
            domain,
            RequireProviderForm(providers=providers, initial={"required_provider": domain.required_provider}),
        )
        for domain in organisation.sso_domains.all()
    ]
    context = {"organisation": organisation, "form": form, "domains": domains}
    return render(request, "sso/settings.html", context)


@login_required
@require_POST
def domain_check(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    domain = get_domain_in(organisation, key)
    try:
        domain_verify(organisation=organisation, actor=request.user, domain=domain)
        messages.success(request, _("%s is verified.") % domain.domain)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("sso:settings", slug)


@login_required
@require_POST
def domain_require(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    domain = get_domain_in(organisation, key)
    form = RequireProviderForm(request.POST, providers=provider_choices(request))
    if not form.is_valid():
        messages.error(request, _("Choose how people with this domain sign in."))
        return redirect("sso:settings", slug)
    provider_id = form.cleaned_data["required_provider"]
    try:
        domain_require_provider(
            organisation=organisation,
            actor=request.user,
            domain=domain,
            provider_id=provider_id,
            provider_label=provider_name(request, provider_id),
        )
        messages.success(request, _("Sign-in for %s was saved.") % domain.domain)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("sso:settings", slug)


@login_required
@require_POST
def domain_delete(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    domain = get_domain_in(organisation, key)
    domain_remove(organisation=organisation, actor=request.user, domain=domain)
    messages.success(request, _("%s was removed.") % domain.domain)
    return redirect("sso:settings", slug)
