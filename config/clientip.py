"""The client's address, for rate limits: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
X-Forwarded-For entry that the outermost trusted proxy wrote.

Each proxy appends the address it received the request from, so the last TRUSTED_PROXY_COUNT
entries were written by our proxies and the one they name is the visitor; anything further left
came from the visitor and is ignored (a visitor cannot pick their own bucket). A request with
fewer entries than expected did not come through every proxy, so it is keyed on REMOTE_ADDR."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
