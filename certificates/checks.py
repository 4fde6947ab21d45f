"""System checks: a bad signing key fails at start-up, not on the first badge download; a
missing one is flagged by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .openbadges import signing_key


@register()
def signing_key_is_usable(app_configs, **kwargs):
    if not settings.OPENBADGES_SIGNING_KEY:
        return []
    try:
        signing_key()
    except (ImproperlyConfigured, ValueError) as error:
        return [Error(str(error), id="certificates.E001")]
    return []


@register(deploy=True)
def signing_key_is_set(app_configs, **kwargs):
    if settings.OPENBADGES_SIGNING_KEY:
        return []
    return [
        Warning(
            "OPENBADGES_SIGNING_KEY is not set: Open Badges are signed with a key derived from SECRET_KEY.",
            hint="Create one as README.md says and set it in the environment.",
            id="certificates.W001",
        )
    ]
