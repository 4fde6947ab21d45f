"""The LTI 1.3 protocol steps OnGuard performs as a tool, on top of pylti1p3 (through
django-lti's tool configuration):

1. OIDC login initiation (`login_start`): the LMS names itself (iss, client_id); we answer with
   a redirect to its authorisation endpoint carrying a fresh `state` and `nonce`, remembered on
   the server for ten minutes, and a cookie binding `state` to this browser.
2. Launch (`launch_validate`): the LMS posts back a signed `id_token` and `state`. We check the
   state (known, unused, bound to this browser's cookie), then pylti1p3 checks the token's
   format, the registration (issuer and audience), the signature against the platform's key set,
   the deployment and the message; we add: the nonce is the one we issued and was never used
   before (replays are refused), the token has an expiry and an issue time, `azp` is us when
   there are several audiences, and the deployment is one the admin registered.

Every refusal raises LaunchRefused with a reason for the person and one for the audit log."""

import functools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import requests
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException

from .models import Platform, UsedNonce

STATE_SECONDS = 600
STATE_COOKIE_PREFIX = "lti-state-"
# The platform's key set is fetched with a time limit, and kept for an hour.
HTTP_TIMEOUT_SECONDS = 10
KEY_SET_CACHE_SECONDS = 3600

DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def roles_teach(roles: list[str]) -> bool:
    """Whether LTI `roles` (a launch's or a roster's) include teaching or administering."""
    teaching = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant")
    return any(isinstance(role, str) and role.endswith(teaching) for role in roles)


class LaunchRefused(Exception):
    def __init__(self, message: str, reason: str, platform: Platform | None = None, status: int = 400):
        super().__init__(reason)
        self.message = message
        self.reason = reason
        self.platform = platform
        self.status = status


def http_session() -> requests.Session:
    session = requests.Session()
    session.request = functools.partial(session.request, timeout=HTTP_TIMEOUT_SECONDS)
    return session


def platform_for(issuer: str, client_id: str | None) -> Platform | None:
    registrations = LtiRegistration.objects.active().filter(issuer=issuer)
    if client_id:
        registrations = registrations.filter(client_id=client_id)
    found = list(
        Platform.objects.select_related("registration", "organisation").filter(
            registration__in=registrations
        )[:2]
    )
    return found[0] if len(found) == 1 else None


# --- 1. Login initiation ------------------------------------------------------------------------


@dataclass
class LoginStart:
    platform: Platform
    redirect_url: str
    state: str
    storage_target: str = ""

    @property
    def storage(self) -> dict:
        """What lti.js puts into the LMS's storage (LTI client-side postMessage storage)."""
        return storage_data(self.platform, self.state, self.storage_target)


def storage_data(platform: Platform, state: str, target: str) -> dict:
    parts = urlsplit(platform.registration.auth_url)
    return {
        "target": target,
        "origin": f"{parts.scheme}://{parts.netloc}",
        "key": f"state_{state}",
        "value": state,
    }


def login_start(params, *, launch_url: str) -> LoginStart:
    issuer, login_hint = params.get("iss", ""), params.get("login_hint", "")
    if not issuer or not login_hint:
        raise LaunchRefused(
            _("This link is missing what the LMS should have sent."), "login without iss or login_hint"
        )
    platform = platform_for(issuer, params.get("client_id"))
    if platform is None:
        raise LaunchRefused(
            _("This LMS is not connected to OnGuard. Ask your organisation's admin to connect it."),
            f"login from an unknown LMS {issuer[:100]}",
        )
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    storage_target = str(params.get("lti_storage_target", ""))[:100]
    cache.set(
        f"lti:state:{state}",
        {"nonce": nonce, "platform": platform.pk, "storage_target": storage_target},
        STATE_SECONDS,
    )
    registration = platform.registration
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": launch_url,
        "state": state,
        "nonce": nonce,
        "login_hint": login_hint,
    }
    if hint := params.get("lti_message_hint"):
        query["lti_message_hint"] = hint
    separator = "&" if "?" in registration.auth_url else "?"
    return LoginStart(
        platform=platform,
        redirect_url=f"{registration.auth_url}{separator}{urlencode(query)}",
        state=state,
        storage_target=storage_target,
    )


def state_cookie_set(response, state: str) -> None:
    """SameSite=None so that the LMS's frame sends it back, Secure as that requires (LTI runs on
    https; browsers also keep Secure cookies for http://localhost), and Partitioned (CHIPS) so
    that browsers blocking third-party cookies keep it all the same, in the LMS's partition."""
    name = STATE_COOKIE_PREFIX + state
    response.set_cookie(name, "1", max_age=STATE_SECONDS, httponly=True, secure=True, samesite="None")
    # Django 5.2 has no `partitioned` argument; the attribute follows SameSite in the header.
    response.cookies[name]["samesite"] = "None; Partitioned"


# --- 2. Launch ----------------------------------------------------------------------------------


class ToolConfig(DjangoToolConfig):
    """django-lti's registration lookup, without creating deployments it has not seen: only
    the deployments an admin registered are accepted."""

    def _deployment(self, **lookups) -> Deployment | None:
        deployment = LtiDeployment.objects.filter(
            is_active=True, registration__is_active=True, **lookups
        ).first()
        if deployment is None:
            return None
        self.deployment = deployment
        return Deployment().set_deployment_id(deployment.deployment_id)

    def find_deployment(self, iss, deployment_id):
        return self._deployment(registration__issuer=iss, deployment_id=deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._deployment(
            registration__issuer=iss, registration__client_id=client_id, deployment_id=deployment_id
        )


class MessageLaunch(DjangoMessageLaunch):
    """pylti1p3's checks of the id_token; state and nonce are ours (above)."""

    def validate_tool(self) -> "MessageLaunch":
        self._validated = True
        try:
            return (
                self.validate_jwt_format()
                .validate_registration()
                .validate_jwt_signature()
                .validate_deployment()
                .validate_message()
            )
        except Exception:
            self._validated = False
            raise


@dataclass
class Launch:
    platform: Platform
    claims: dict
    deployment_id: str
    # Set when the browser binding is to be checked in the LMS's client-side storage (lti.js).
    storage: dict | None = None

    @property
    def message_type(self) -> str:
        return self.claims.get(CLAIM + "message_type", "")

    @property
    def roles(self) -> list[str]:
        return list(self.claims.get(CLAIM + "roles", []))

    @property
    def is_teacher(self) -> bool:
        return roles_teach(self.roles)

    @property
    def context(self) -> dict:
        context = self.claims.get(CLAIM + "context")
        return context if isinstance(context, dict) else {}

    @property
    def memberships_url(self) -> str:
        """Where the course's roster is (LTI Names and Role Provisioning Services), if offered."""
        nrps = self.claims.get(NRPS_CLAIM)
        url = nrps.get("context_memberships_url") if isinstance(nrps, dict) else None
        return url if isinstance(url, str) else ""

    @property
    def custom(self) -> dict:
        return self.claims.get(CLAIM + "custom") or {}

    @property
    def ags(self) -> dict | None:
        return self.claims.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint")

    @property
    def deep_link_settings(self) -> dict:
        return self.claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings") or {}


def launch_validate(request: HttpRequest) -> Launch:
    state = request.POST.get("state", "")
    if not state or not request.POST.get("id_token"):
        raise LaunchRefused(
            _("This launch is missing what the LMS should have sent."), "launch without state or id_token"
        )
    remembered = cache.get(f"lti:state:{state}")
    if remembered is None:
        raise LaunchRefused(
            _("This launch has expired or was already used. Open OnGuard from your LMS again."),
            "launch with an unknown or expired state",
        )
    platform = (
        Platform.objects.select_related("registration", "organisation")
        .filter(pk=remembered["platform"])
        .first()
    )
    if platform is None:
        raise LaunchRefused(_("This LMS is no longer connected to OnGuard."), "launch for a removed LMS")
    cache.delete(f"lti:state:{state}")
    # The browser that started the login: its state cookie, or else, where the LMS offers
    # client-side storage, the state our login page put there. That one is checked in the
    # browser (lti.js), and the launch page shows nothing actionable until it matches: a launch
    # forged into someone else's browser finds no such state in their LMS's storage, and the
    # forger cannot read our page to skip the check.
    storage = None
    if request.COOKIES.get(STATE_COOKIE_PREFIX + state) != "1" and remembered.get("storage_target"):
        storage = storage_data(platform, state, remembered["storage_target"])
    elif request.COOKIES.get(STATE_COOKIE_PREFIX + state) != "1":
        raise LaunchRefused(
            _(
                "Your browser did not keep the cookie this launch needs. Ask your LMS admin to open "
                "OnGuard in a new window, or allow cookies for this site."
            ),
            "launch without its state cookie (blocked cookies, or a launch from another browser)",
            platform,
            status=403,
        )
    message = MessageLaunch(request, ToolConfig(), requests_session=http_session())
    message.set_public_key_caching(DjangoCacheDataStorage(), cache_lifetime=KEY_SET_CACHE_SECONDS)
    try:
        message.validate_tool()
    except (LtiException, requests.RequestException) as exc:
        raise LaunchRefused(
            _("OnGuard could not confirm this launch came from your LMS."),
            f"invalid id_token: {exc}"[:250],
            platform,
        ) from None
    claims = message.get_launch_data()
    registration = platform.registration
    if claims.get("iss") != registration.issuer or message.get_client_id() != registration.client_id:
        raise LaunchRefused(
            _("This launch came from another LMS than it started with."),
            "launch for another registration",
            platform,
        )
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    if registration.client_id not in audiences or (
        len(audiences) > 1 and claims.get("azp") != registration.client_id
    ):
        raise LaunchRefused(
            _("This launch was meant for another tool."), "id_token audience is not us", platform
        )
    if not isinstance(claims.get("exp"), int) or not isinstance(claims.get("iat"), int):
        raise LaunchRefused(
            _("OnGuard could not confirm this launch came from your LMS."),
            "id_token without exp or iat",
            platform,
        )
    if claims.get("nonce") != remembered["nonce"]:
        raise LaunchRefused(
            _("This launch does not match the sign-in it started with."), "nonce mismatch", platform
        )
    try:
        with transaction.atomic():
            UsedNonce.objects.create(
                issuer=registration.issuer,
                nonce=claims["nonce"],
                expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
            )
    except IntegrityError:
        raise LaunchRefused(
            _("This launch was already used. Open OnGuard from your LMS again."),
            "replayed launch (nonce used)",
            platform,
        ) from None
    return Launch(
        platform=platform,
        claims=claims,
        deployment_id=claims.get(CLAIM + "deployment_id", ""),
        storage=storage,
    )


def nonces_forget_expired() -> int:
    """Used nonces are kept until their token would have expired anyway (the cleanup command)."""
    return UsedNonce.objects.filter(expires_at__lt=timezone.now()).delete()[0]
