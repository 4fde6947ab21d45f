"""LTI Dynamic Registration (1EdTech, 1.0): the LMS opens a registration link an organisation
admin made, with `openid_configuration` (where the LMS describes itself) and, usually, a
`registration_token`. OnGuard reads the LMS's configuration, checks that its issuer is where
that configuration lives, sends its own configuration to the LMS's registration endpoint, and
stores what comes back (client ID, deployment ID) as a connected platform of the organisation."""

import logging
from urllib.parse import urlsplit

import requests
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import url_problem
from .launch import http_session
from .models import Platform, RegistrationLink
from .services import origin_of, platform_register

logger = logging.getLogger("onguard.lti")

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    # Names and Role Provisioning: course rosters (lti/roster.py).
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


def platform_configuration_fetch(url: str) -> dict:
    """The LMS's OpenID configuration, checked: https (unless allowed otherwise), its issuer a
    prefix of the URL it came from, and the endpoints a tool needs."""
    if problem := url_problem(url):
        raise ValidationError(problem)
    try:
        response = http_session().get(url)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ValidationError(
            _("OnGuard could not read your LMS's configuration (%s).") % exc.__class__.__name__
        ) from None
    issuer = config.get("issuer") or ""
    if not issuer or not url.startswith(issuer.rstrip("/")):
        raise ValidationError(_("Your LMS's configuration names an issuer other than its own address."))
    needed = ["authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"]
    missing = [name for name in needed if not config.get(name)]
    if missing:
        raise ValidationError(_("Your LMS's configuration lacks %s.") % ", ".join(missing))
    for name in needed:
        if problem := url_problem(config[name]):
            raise ValidationError(f"{name}: {problem}")
    return config


def tool_configuration(*, login_url: str, launch_url: str, jwks_url: str) -> dict:
    domain = urlsplit(launch_url).netloc
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": login_url,
        "redirect_uris": [launch_url],
        "client_name": "OnGuard",
        "jwks_uri": jwks_url,
        "token_endpoint_auth_method": "private_key_jwt",  # nosec B105: a method's name, not a password
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": domain,
            "target_link_uri": launch_url,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch_url},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": launch_url,
                    "label": "OnGuard",
                    "placements": ["ContentArea", "link_selection", "assignment_selection"],
                    "supported_types": ["ltiResourceLink"],
                },
            ],
        },
    }


def register(*, link: RegistrationLink, config_url: str, registration_token: str, tool: dict) -> Platform:
    """Register OnGuard with the LMS and connect it to the link's organisation."""
    config = platform_configuration_fetch(config_url)
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        response = http_session().post(config["registration_endpoint"], json=tool, headers=headers)
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("Dynamic registration with %s failed: %s", config.get("issuer"), exc)
        raise ValidationError(_("Your LMS refused the registration (%s).") % exc.__class__.__name__) from None
    client_id = str(answer.get("client_id") or "")
    deployment_id = str((answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id") or "")
    if not client_id or not deployment_id:
        raise ValidationError(_("Your LMS did not send a client ID and a deployment ID back."))
    name = (config.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code") or urlsplit(
        config["issuer"]
    ).netloc
    fields = {
        "name": str(name)[:100],
        "issuer": config["issuer"],
        "client_id": client_id[:255],
        "deployment_id": deployment_id[:255],
        "auth_url": config["authorization_endpoint"],
        "token_url": config["token_endpoint"],
        "keyset_url": config["jwks_uri"],
        "frame_origin": link.frame_origin or origin_of(config_url),
    }
    return platform_register(organisation=link.organisation, actor=link.created_by, fields=fields)


def registration_link_open(token: str) -> RegistrationLink | None:
    return (
        RegistrationLink.objects.select_related("organisation", "created_by")
        .filter(token=token, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def registration_link_redeem(link: RegistrationLink) -> bool:
    return bool(
        RegistrationLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    )
