"""Whom a request came from: the one function that decides the client's address.

Rate limits, the sign-in lockout and the audit log all ask it. X-Forwarded-For is believed only
from the reverse proxies named in `gateway.trusted_proxies` (default: none): from anyone else it
is a header the client wrote. Behind trusted proxies the client is the right-most address in
X-Forwarded-For that is not itself a trusted proxy (each proxy appends its peer; what lies to
the left of that came from the client and is ignored).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def decide(*, peer: str | None, forwarded_for: Iterable[str], trusted_proxies: Sequence[str]) -> str | None:
    """The client's address, given the connection's peer and the X-Forwarded-For headers."""
    networks = _networks(tuple(trusted_proxies))

    def trusted(address: str) -> bool:
        parsed = _parse(address)
        return parsed is not None and any(parsed in network for network in networks)

    if peer is None or not trusted(peer):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        if _parse(hop) is None:
            break  # not an address a proxy of ours wrote: stop at the last one we believe
        client = str(_parse(hop))
        if not trusted(client):
            break
    return client


def client_address(request: Request) -> str | None:
    """The address of the client that made `request` (see the module's docstring)."""
    return decide(
        peer=request.client.host if request.client else None,
        forwarded_for=request.headers.getlist("x-forwarded-for"),
        trusted_proxies=request.app.state.settings.gateway.trusted_proxies,
    )
