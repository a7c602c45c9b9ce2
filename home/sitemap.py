"""sitemap.xml covering every language, each URL with its hreflang alternates.

Wagtail's own sitemap lists the descendants of the site's root page only; here the English home
page is a translation beside the Thai root, not under it, so its tree would be missing. This
sitemap walks every translation of the root and links each page to its translations (same
`translation_key`) with `<xhtml:link rel="alternate" hreflang=…>`.
"""

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class PortalSitemap(Sitemap):
    def items(self):
        site = self.get_wagtail_site()
        roots = Page.objects.filter(translation_key=site.root_page.translation_key)
        query = None
        for root in roots:
            tree = Page.objects.descendant_of(root, inclusive=True)
            query = tree if query is None else query | tree
        if query is None:
            return Page.objects.none()
        return query.live().public().order_by("path").defer_streamfields().select_related("locale")

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        urls = []
        by_key = {}
        for item in pages:
            location = item.get_full_url(self.request)
            if location is None:
                continue
            by_key.setdefault(item.translation_key, []).append((item.locale.language_code, location))
            urls.append(
                {
                    "item": item,
                    "location": location,
                    "lastmod": item.last_published_at or item.latest_revision_created_at,
                    "key": item.translation_key,
                }
            )
        for url in urls:
            alternates = by_key.get(url.pop("key"), [])
            if len(alternates) > 1:
                url["alternates"] = [{"lang_code": code, "location": location} for code, location in alternates]
        last_mods = {url["lastmod"] for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
