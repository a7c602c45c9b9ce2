"""Two Wagtail admin views that raise on hostile query input, mounted in their place (issue 16).

The hostile-input sweep (tests/security/test_hostile_sweep.py) found them: Wagtail 8's admin
login redirects a signed-in officer with `redirect(next)`, which reads a bare word such as
`?next=0` as a URL name (NoReverseMatch, a 500), and the page chooser's "chosen multiple" view
passes `?id=NaN` straight to `pk__in` (ValueError, a 500). Each subclass only cleans the input;
everything else stays Wagtail's.
"""

from django.urls import reverse
from wagtail.admin.views.account import LoginView as WagtailLoginView
from wagtail.admin.views.chooser import ChosenMultipleView as WagtailChosenMultipleView

MAX_ID_DIGITS = 18  # larger numbers overflow SQLite's and PostgreSQL's 64-bit integers


class LoginView(WagtailLoginView):
    def get_success_url(self):
        url = super().get_success_url()
        # A path or an address always holds "/" or "."; anything else is no place to go.
        return url if "/" in url or "." in url else reverse("wagtailadmin_home")


class ChosenMultipleView(WagtailChosenMultipleView):
    def get(self, request):
        ids = [i for i in request.GET.getlist("id") if i.isascii() and i.isdigit() and len(i) <= MAX_ID_DIGITS]
        request.GET = request.GET.copy()
        request.GET.setlist("id", ids)
        return super().get(request)
