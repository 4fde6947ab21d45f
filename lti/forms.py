"""The form an organisation admin fills in to connect their LMS. Forms validate only."""

import ipaddress
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiRegistration


def url_problem(url: str) -> str | None:
    """OnGuard's server fetches these URLs: HTTPS only, and never an address inside a private
    network (settings.LTI_ALLOW_INSECURE_URLS lifts both, for tests and local trials)."""
    parts = urlsplit(url)
    if settings.LTI_ALLOW_INSECURE_URLS:
        return None
    if parts.scheme != "https":
        return str(_("Use an https:// address."))
    try:
        address = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return None if parts.hostname not in ("localhost",) else str(_("Use your LMS's public address."))
    if not address.is_global:
        return str(_("Use your LMS's public address."))
    return None


class PlatformForm(forms.Form):
    name = forms.CharField(label=_("A name for this LMS"), max_length=100, help_text=_("Such as “Canvas”."))
    issuer = forms.URLField(
        label=_("Issuer (platform ID)"), max_length=255, assume_scheme="https",
        help_text=_("Canvas: https://canvas.instructure.com. Moodle: your Moodle's address."),
    )  # fmt: skip
    client_id = forms.CharField(label=_("Client ID"), max_length=255)
    deployment_id = forms.CharField(label=_("Deployment ID"), max_length=255)
    auth_url = forms.URLField(
        label=_("Authentication request URL (OIDC)"), max_length=200, assume_scheme="https"
    )
    token_url = forms.URLField(label=_("Access token URL"), max_length=200, assume_scheme="https")
    keyset_url = forms.URLField(label=_("Public keyset URL"), max_length=200, assume_scheme="https")
    frame_origin = forms.URLField(
        label=_("Your LMS's web address"), max_length=200, required=False, assume_scheme="https",
        help_text=_("Where people open the LMS, such as https://school.instructure.com. Empty: the authentication URL's."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        for field in ("auth_url", "token_url", "keyset_url", "frame_origin"):
            if data.get(field) and (problem := url_problem(data[field])):
                self.add_error(field, problem)
        if data.get("frame_origin"):
            parts = urlsplit(data["frame_origin"])
            data["frame_origin"] = f"{parts.scheme}://{parts.netloc}"
        if (
            data.get("issuer")
            and data.get("client_id")
            and LtiRegistration.objects.filter(issuer=data["issuer"], client_id=data["client_id"]).exists()
        ):
            raise forms.ValidationError(_("This issuer and client ID are already connected to OnGuard."))
        return data


class RegistrationLinkForm(forms.Form):
    frame_origin = forms.URLField(
        label=_("Your LMS's web address"), max_length=200, required=False, assume_scheme="https",
        help_text=_("Where people open the LMS. Empty: the address your LMS registers from."),
    )  # fmt: skip

    def clean_frame_origin(self) -> str:
        value = self.cleaned_data["frame_origin"]
        if value and (problem := url_problem(value)):
            raise forms.ValidationError(problem)
        if value:
            parts = urlsplit(value)
            value = f"{parts.scheme}://{parts.netloc}"
        return value
