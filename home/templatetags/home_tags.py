"""Navigation and sharing tags of the home room: header menu, footer links, Open Graph values.

The menu and the footer are on every page, so their items are kept per site and language until
content changes (`portal.pagecache.memo`: publishing, unpublishing, moving or deleting a page
starts a new content version). A warm page therefore spends no query on navigation.
"""

from django import template
from django.templatetags.static import static
from django.utils.translation import get_language
from wagtail.models import Page, Site

from home import webapp
from home.models import StandardPage
from portal import pagecache

register = template.Library()


def _navigation(request):
    """{"menu": [...], "footer": [...]} for the request's site and language, cached."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu": [], "footer": []}
    language = (get_language() or "th").split("-")[0]
    return pagecache.memo(f"nav:{site.pk}:{language}", lambda: _build_navigation(site, language, request), request)


def _build_navigation(site, language, request):
    root = Page.objects.filter(translation_key=site.root_page.translation_key, locale__language_code=language).first()
    if root is None:
        root = site.root_page
    menu = [
        {"id": page.pk, "title": page.title, "url": page.get_url(request)}
        for page in root.get_children().live().public().in_menu().only("id", "title", "url_path", "locale_id")
    ]
    footer = [
        {"id": page.pk, "title": page.title, "url": page.get_url(request)}
        for page in StandardPage.objects.live()
        .public()
        .descendant_of(root)
        .filter(show_in_footer=True)
        .only("id", "title", "url_path", "locale_id")
        .order_by("path")
    ]
    return {"menu": menu, "footer": footer}


@register.inclusion_tag("home/includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages the editors ticked "show in menus", in the visitor's language."""
    request = context.get("request")
    return {"items": _navigation(request)["menu"], "request": request, "current": context.get("page")}


@register.inclusion_tag("home/includes/footer_links.html", takes_context=True)
def footer_links(context):
    """Standard pages the editors ticked "show in footer" (policies, accessibility…), in the visitor's language."""
    request = context.get("request")
    return {"items": _navigation(request)["footer"], "request": request}


@register.simple_tag(takes_context=True)
def social_meta(context):
    """Canonical URL and the Open Graph values LINE and Facebook read to build link previews.

    The canonical URL is the path without its query string (a printed or filtered view is the
    same page). Language alternates (hreflang) are in sitemap.xml and the language switcher.
    """
    request = context.get("request")
    page = context.get("page")
    office = context.get("office")
    if request is None:
        return {}
    title = description = image = ""
    if page is not None and isinstance(page, Page):
        title = page.seo_title or page.title
        description = page.search_description or getattr(page, "intro", "") or getattr(page, "summary", "") or ""
        picture = getattr(page, "image", None)
        if picture is not None:
            image = request.build_absolute_uri(picture.get_rendition("fill-1200x630").url)
    if not image:
        logo = getattr(office, "logo", None) if office else None
        if logo is not None:
            image = request.build_absolute_uri(logo.get_rendition("fill-600x600").url)
        else:
            image = request.build_absolute_uri(static("img/emblem.svg"))
    office_name = office.tr("name") if office else ""
    return {
        "url": request.build_absolute_uri(request.path),
        "title": title or office_name,
        "description": " ".join(str(description).split())[:300] or office_name,
        "image": image,
        "site_name": office_name,
        "type": "article" if page is not None and page.__class__.__name__ == "NewsPage" else "website",
    }


@register.simple_tag
def apple_touch_icon(office):
    """The home-screen icon iOS reads (it ignores the manifest): the office's logo or the emblem."""
    return webapp.apple_touch_icon_url(office)
