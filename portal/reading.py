"""Reading options: larger text and high contrast, chosen with a plain form and kept in a cookie.

No JavaScript: the options are two rows of submit buttons in every page's header, posting here;
the answer sets the `reading` cookie and sends the visitor back where they were. Every page
then carries the chosen classes on <html> (`reading_classes` in portal_tags), and the CSS does
the rest.

The cookie is one of a few known words, never free text: the page cache keeps one copy of a
page per *choice* (portal/pagecache.py, `choice()`), so one visitor's choice is never served to
another, and a made-up cookie value cannot fill the cache with copies.

No CSRF token: a token in every page's header would make every page uncacheable (the cache
keeps no page that used one). What a forged post could do is make someone's text larger, and
even that is refused: a post another site's page sent (Sec-Fetch-Site: cross-site, or an Origin
that is not this host) changes nothing.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

COOKIE = "reading"
COOKIE_MAX_AGE = 365 * 24 * 3600

# option name -> (values in order, first is the default); the words are the cookie's parts.
OPTIONS = {
    "size": ("normal", "large"),
    "contrast": ("normal", "high"),
}
LABELS = {
    "size": _("Text size"),
    "contrast": _("Contrast"),
    ("size", "normal"): _("Standard text"),
    ("size", "large"): _("Larger text"),
    ("contrast", "normal"): _("Standard colours"),
    ("contrast", "high"): _("High contrast"),
}
CLASSES = {("size", "large"): "text-large", ("contrast", "high"): "contrast-high"}


def parse(value):
    """{"size": …, "contrast": …} from a cookie value such as "size-large.contrast-high";
    anything unknown is the default."""
    chosen = {name: values[0] for name, values in OPTIONS.items()}
    for part in (value or "").split(".")[: len(OPTIONS)]:
        name, _sep, word = part.partition("-")
        if word in OPTIONS.get(name, ()):
            chosen[name] = word
    return chosen


def serialise(chosen):
    """The cookie value: only what differs from the default, in a fixed order ("" for none)."""
    return ".".join(f"{name}-{chosen[name]}" for name, values in OPTIONS.items() if chosen[name] != values[0])


def choice(request):
    """The request's reading choice as its canonical cookie value ("" for the defaults): what
    the page cache adds to its key."""
    return serialise(parse(request.COOKIES.get(COOKIE)))


def classes(request):
    """The classes <html> carries for this request's choice, e.g. "text-large contrast-high"."""
    chosen = parse(request.COOKIES.get(COOKIE))
    return " ".join(css for (name, word), css in CLASSES.items() if chosen[name] == word)


def _same_site(request):
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == request.get_host()
    return True


def _back(request):
    """Where the form was: `next` if it is a path of this site, else the home page."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    if not allowed or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@csrf_exempt  # see the module docstring: a cosmetic choice, and cross-site posts are refused
@require_POST
def set_reading(request):
    """Remember the option posted (one button press changes one option, the other stays)."""
    response = HttpResponseRedirect(_back(request))
    if not _same_site(request):
        return response
    chosen = parse(request.COOKIES.get(COOKIE))
    for name, values in OPTIONS.items():
        word = request.POST.get(name)
        if word in values:
            chosen[name] = word
    value = serialise(chosen)
    if value:
        response.set_cookie(
            COOKIE,
            value,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response


def options(request):
    """The rows of buttons for the header's form: [(name, label, [(word, label, pressed)])]."""
    chosen = parse(request.COOKIES.get(COOKIE))
    return [
        (name, LABELS[name], [(word, LABELS[(name, word)], chosen[name] == word) for word in values])
        for name, values in OPTIONS.items()
    ]
