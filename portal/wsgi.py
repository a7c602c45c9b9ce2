"""The WSGI application gunicorn serves (gunicorn.conf.py).

Two Django handlers in one process. People's browsers get the whole middleware stack; the paths
in SIGNED_PATHS get a short one. Those are the endpoints another server POSTs to and signs
itself (the LINE webhook: HMAC of the body with the channel secret, checked by the view), and
they have no session, cookie, CSRF token, signed-in user, language, page to cache or page view to
count. Yet the browser middleware ran for every one of them: about a third of the webhook's CPU
(bench/line.py). The short stack keeps what every response of the site gets and any request
may need: the proxy's forwarded address, the host check, the HTTPS redirect and HSTS, the
security headers, and the archived office's 410 for anything new. Both handlers resolve the same
URLconf and fire the same request signals (database connections are closed as usual).
"""

import os

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

# Path prefixes, as mounted in portal/urls.py.
SIGNED_PATHS = ("/line/webhook/",)
# Of settings.MIDDLEWARE, what the short stack keeps, in the settings' order.
SIGNED_MIDDLEWARE = {
    "portal.proxy.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "portal.archived.ArchivedOfficeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}


class SignedRequestHandler(WSGIHandler):
    """Django's WSGI handler with only SIGNED_MIDDLEWARE (synchronous middleware only, as all of
    these are)."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed([path for path in settings.MIDDLEWARE if path in SIGNED_MIDDLEWARE]):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


def dispatch(browser, signed):
    def application(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(SIGNED_PATHS):
            return signed(environ, start_response)
        return browser(environ, start_response)

    return application


application = dispatch(get_wsgi_application(), SignedRequestHandler())
