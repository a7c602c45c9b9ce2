from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.views import serve as wagtail_serve

from forms_builder.links import short_link, wizard_post
from forms_builder.views import LoginView, LogoutView
from home import webapp
from home.feeds import NewsAtomFeed, NewsFeed
from home.sitemap import PortalSitemap
from home.views import search
from portal import admin_input, line_login, office_media, reading
from portal.views import healthz, robots
from services.cases import urls as urls_cases
from services.cases.views import track_form
from services.cases.volunteers import my_cases
from services.help import urls as urls_help
from services.line import urls as urls_line
from services.open311 import urls as urls_open311
from services.payments import urls as urls_payments
from services.places import follow_urls as urls_following
from services.places import urls as urls_places
from services.reporting import urls as urls_dashboard
from services.taxes import urls as urls_taxes

urlpatterns = [
    # Two of Wagtail's admin views, with their hostile query input cleaned (portal/admin_input.py).
    path(f"{settings.ADMIN_PATH}/login/", admin_input.LoginView.as_view()),
    path(f"{settings.ADMIN_PATH}/choose-page/chosen-multiple/", admin_input.ChosenMultipleView.as_view()),
    # The admin API's images and documents and wagtail-localize's snippets API, cut to the
    # person's offices, and documents downloaded on their own office's host name only
    # (portal/office_media.py); unmatched paths go on to Wagtail's.
    path(f"{settings.ADMIN_PATH}/", include(office_media.admin_urlpatterns)),
    path(f"{settings.ADMIN_PATH}/", include(wagtailadmin_urls)),
    re_path(r"^documents/(\d+)/(.*)$", office_media.serve_document),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots, name="robots"),  # per host: names that office's own sitemap
    path("sw.js", webapp.service_worker, name="service_worker"),  # at the root: its scope is the site
    path("app-icons/<str:name>", webapp.app_icon, name="app_icon"),  # the office's logo as home-screen icons
    path("reading/", reading.set_reading, name="set_reading"),  # larger text, high contrast (a cookie)
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PortalSitemap}}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("f/<slug:code>", short_link, name="form_short_link"),  # printed QR stickers: never change
    path("open311/v2/", include(urls_open311)),  # Open311 GeoReport v2 for partners' apps
    path("line/", include(urls_line)),  # the LINE Official Account's webhook (issue 19)
    path("line/", include(line_login.urlpatterns)),  # LINE Login for e-forms and tracking (issue 19)
    path("", include(urls_cases)),  # /t/<REFERENCE>: short enough for a receipt and its QR code
    path("", include(urls_payments)),  # /t/<REFERENCE>/invoices/<NUMBER>/: fees of a case
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Everything a visitor reads is under /th/ or /en/; Wagtail's catch-all comes last.
urlpatterns += i18n_patterns(
    path("search/", search, name="search"),
    path("manifest.webmanifest", webapp.manifest, name="webmanifest"),  # the home-screen app, per office
    path("offline/", webapp.offline, name="offline"),  # what the service worker shows without a network
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/my-cases/", my_cases, name="my_cases"),  # issue 9: what a volunteer filed
    path("forms/<int:page_id>/step/", wizard_post, name="form_wizard"),
    path("feeds/news/", NewsFeed(), name="news_feed_rss"),
    path("feeds/news/atom/", NewsAtomFeed(), name="news_feed_atom"),
    path("track/", track_form, name="track"),
    path("", include(urls_help)),  # /<lang>/help/: the resident's guide to the online services
    path("", include(urls_payments.household_patterns)),  # /<lang>/pay/: garbage and wastewater fees
    path("", include(urls_taxes)),  # /<lang>/tax/: land-and-building and signboard tax (issue 23)
    path("", include(urls_dashboard)),  # /<lang>/dashboard/: public performance figures and open data
    path("", include(urls_places)),  # /<lang>/reports/: problems in places, map and list (issue 18)
    path("", include(urls_following)),  # following a public report, and unfollowing from a message
    path("", include("services.documents.urls")),  # /<lang>/v/<code>: issued documents, checked by anyone (issue 20)
    path("", include("services.booking.urls")),  # /<lang>/booking/: visits to the office booked online (issue 23)
    path("", include("services.field.urls")),  # /<lang>/field/: officers' jobs on a phone (issue 21)
    path("", include("services.agencies.urls")),  # /<lang>/agency/<secret>/: a referred case, for its agency (issue 21)
    path("", include("services.feedback.urls")),  # /<lang>/feedback/: the satisfaction questionnaire (issue 22)
    path("", include(wagtail_urls)),
    # Wagtail's page pattern is \w only, which refuses Thai vowel and tone marks (ใช้, ออนไลน์):
    # form pages' slugs keep them (forms_builder.slugs), so their URLs are served here, after it.
    re_path(r"^((?:[\w\-\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]+/)*)$", wagtail_serve, name="wagtail_serve"),
    prefix_default_language=True,
)
