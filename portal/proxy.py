"""The visitor's address behind a reverse proxy (issue 10: several web nodes behind nginx).

Per-address limits (e-form submits, tracking lookups, draft links, django-axes) read
REMOTE_ADDR. Behind nginx that is nginx's own address, so every resident would share one
counter: the 21st e-form of the hour would be refused to everyone. This middleware, first in
production's MIDDLEWARE, replaces REMOTE_ADDR with the address nginx saw, taken from
X-Forwarded-For — only when the request came from a proxy listed in TRUSTED_PROXIES, and reading
the header from the right, past the trusted proxies, so a client cannot choose its own address.
"""

import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(item, strict=False) for item in getattr(settings, "TRUSTED_PROXIES", [])]


def _trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


class ForwardedForMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = _networks()

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and _trusted(request.META.get("REMOTE_ADDR", ""), self.networks):
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            for hop in reversed(hops):
                if not _trusted(hop, self.networks):
                    try:
                        request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                    except ValueError:
                        pass  # garbage in the header: keep the proxy's address
                    break
        return self.get_response(request)
