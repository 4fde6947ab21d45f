"""A fixed-window counter per client IP, kept in Django's cache.

Public verification needs no account, so the client's IP is the only handle on someone trying
codes in bulk. The IP comes from allauth's adapter (accounts.adapter), which honours the same
proxy setting as the log-in rate limits (TRUSTED_PROXY_COUNT). The counter lives in the default
cache, which production shares between processes (the database, or Redis with REDIS_URL).
"""

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    return get_adapter(request).get_client_ip(request)


def _key(request: HttpRequest, scope: str, window: int) -> str:
    bucket = int(timezone.now().timestamp()) // window
    return f"ratelimit:{scope}:{client_ip(request)}:{bucket}"


def ratelimit_used(request: HttpRequest, *, scope: str, window: int) -> int:
    """How many hits this client has made in the current window (counts none)."""
    return cache.get(_key(request, scope, window), 0)


def ratelimit_allow(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count one hit for this client in the current window; False once it is over `limit`."""
    key = _key(request, scope, window)
    cache.add(key, 0, timeout=window + 5)
    try:
        hits = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        hits = 1
    return hits <= limit
