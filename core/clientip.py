"""The address of the person behind a request, through the proxies we run ourselves.

X-Forwarded-For is believed only as far as our own proxies wrote it: when the
connecting peer (REMOTE_ADDR) is one of settings.TRUSTED_PROXIES (addresses or
networks), the header is read from the right, our proxies' hops are skipped,
and the first address that is not ours is the client. From anyone else the
header is ignored: a forged X-Forwarded-For cannot move a lockout (django-axes,
AXES_CLIENT_IP_CALLABLE) or an audit entry to another address.

django-ipware's trusted-proxy list matches positions inside the header, not
the connecting peer, so it cannot say «ignore the header from a stranger»; the
rule is this small function, on the standard library's ipaddress.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(address) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the last untrusted hop our proxies recorded."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not is_trusted_proxy(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            # Garbage our proxy passed on from the client: the hop before it is the last sure one.
            break
        if not is_trusted_proxy(address):
            return str(address)
        peer = address
    return str(peer)
