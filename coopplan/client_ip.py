"""The address a request came from, as django-axes locks on it (``AXES_CLIENT_IP_CALLABLE``).

Behind nginx every request reaches gunicorn from the proxy, so ``REMOTE_ADDR`` is the proxy's
address for everyone. nginx appends the address it was connected from to ``X-Forwarded-For``
(``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``), after whatever the client itself
sent in that header. So the header is believed only when the request comes from a proxy listed in
``TRUSTED_PROXIES``, and only from the right: walking back from ``REMOTE_ADDR`` through the
header, the first address that is not a trusted proxy is the client. Anything to its left was
written by the client and is ignored, so a forged header cannot pick the address that gets locked.

django-ipware (axes' built-in alternative) takes the header from any peer and matches its trusted
proxies against addresses inside the header, not against the peer that sent it; hence this hook.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_networks(entries: Iterable[str]) -> list[Network]:
    """``TRUSTED_PROXIES`` entries (addresses or networks such as 10.0.0.0/24) as networks."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: “{entry}” không phải địa chỉ IP hay dải mạng hợp lệ."
            ) from error
    return networks


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # ::ffff:203.0.113.7 and 203.0.113.7 are one client.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks: list[Network]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return request.META.get("REMOTE_ADDR") or None
    networks = trusted_networks(settings.TRUSTED_PROXIES)
    client = peer
    if _trusted(peer, networks):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = _address(hop)
            if address is None:
                break  # garbage from the client: stop at the last address a proxy vouched for
            client = address
            if not _trusted(address, networks):
                break
    return str(client)
