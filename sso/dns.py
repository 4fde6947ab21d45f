"""Looking up a domain's TXT records, for domain verification, through the resolver named by
settings.SSO_DNS_NAMESERVER ("host:port"; the system's resolver when empty)."""

import dns.exception
import dns.resolver
from django.conf import settings

TIMEOUT_SECONDS = 5


class LookupFailed(Exception):
    """The DNS could not be asked (timeout, no server): not the same as "no such record"."""


def _resolver() -> dns.resolver.Resolver:
    nameserver = settings.SSO_DNS_NAMESERVER
    if not nameserver:
        resolver = dns.resolver.Resolver()
    else:
        host, _sep, port = nameserver.rpartition(":")
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host]
        resolver.port = int(port)
    resolver.timeout = resolver.lifetime = TIMEOUT_SECONDS
    return resolver


def txt_records(name: str) -> list[str]:
    """The TXT strings at `name` (each record's strings joined), [] if there are none."""
    try:
        answer = _resolver().resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.exception.DNSException) as exc:
        raise LookupFailed(str(exc)) from exc
    return [b"".join(record.strings).decode("utf-8", errors="replace") for record in answer]
