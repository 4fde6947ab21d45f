"""Deploy checks for what rate limits need in production: a cache every worker shares, and the
number of proxies in front of the app (docs/deploy.md, "The reverse proxy"); and for sign-up that
does not reveal who has an account (mandatory e-mail verification, review L7)."""

from django.conf import settings
from django.core.checks import Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(deploy=True)
def cache_is_shared(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is per process: every gunicorn worker counts rate limits on its own.",
            hint="Unset the cache override to use the database cache, or set REDIS_URL.",
            id="accounts.W001",
        )
    ]


@register(deploy=True)
def proxy_count_is_set(app_configs, **kwargs):
    if settings.TRUSTED_PROXY_COUNT > 0:
        return []
    return [
        Warning(
            "TRUSTED_PROXY_COUNT is 0: behind a reverse proxy every visitor shares one rate-limit "
            "bucket, so one client can lock everyone out of log-in.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app (docs/deploy.md). "
            "If clients reach gunicorn directly, silence this with SILENCED_SYSTEM_CHECKS.",
            id="accounts.W002",
        )
    ]


@register(deploy=True)
def verification_is_mandatory(app_configs, **kwargs):
    if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory":
        return []
    return [
        Warning(
            "ACCOUNT_EMAIL_VERIFICATION is not mandatory: sign-up tells anyone whether an address "
            "already has an account.",
            hint="Unset ACCOUNT_EMAIL_VERIFICATION (production defaults to mandatory), or silence "
            "this with SILENCED_SYSTEM_CHECKS if the site accepts that (docs/deploy.md).",
            id="accounts.W003",
        )
    ]
