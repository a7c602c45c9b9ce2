"""RSS and Atom feeds of the news, one per language: /th/feeds/news/ and /en/feeds/news/ (RSS 2.0),
/th/feeds/news/atom/ and /en/feeds/news/atom/ (Atom 1.0).

The language comes from the URL prefix like every other page, so a LINE bot or a news reader
subscribes to exactly one language.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from home.models import NewsIndexPage, NewsPage, OfficeSettings
from portal.offices import current_office

FEED_SIZE = 20


@dataclass
class FeedSource:
    """Everything one request's feed needs. The Feed instance is shared by all requests (and
    threads), so per-request values travel in this object, never on `self`."""

    request: object
    office: OfficeSettings
    locale: Locale | None
    index: NewsIndexPage | None
    home: Page | None  # the office's home page in the feed's language: its news only


class NewsFeed(Feed):
    def get_object(self, request):
        site = current_office(request)
        locale = Locale.objects.filter(language_code=(get_language() or "th").split("-")[0]).first()
        home = index = None
        if locale is not None:
            home = Page.objects.filter(translation_key=site.root_page.translation_key, locale=locale).first()
        if home is not None:
            index = NewsIndexPage.objects.live().descendant_of(home).first()
        return FeedSource(request, OfficeSettings.for_site(site), locale, index, home)

    def title(self, obj):
        return _("News and announcements – %(office)s") % {"office": obj.office.tr("name")}

    def link(self, obj):
        if obj.index is not None:
            return obj.index.get_full_url(obj.request)
        return f"/{get_language()}/"

    def description(self, obj):
        return _("News, announcements and procurement notices of %(office)s") % {"office": obj.office.tr("name")}

    def items(self, obj):
        if obj.home is None:
            return []
        items = list(NewsPage.listing(obj.locale.pk, root=obj.home)[:FEED_SIZE])
        for item in items:
            item.feed_url = item.get_full_url(obj.request)
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.feed_url

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(8, 0)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [str(item.get_category_display())]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
