"""What every page type of the portal shares."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from portal import pagecache


class ViewRestrictionsMixin:
    """Wagtail checks view restrictions on every page view with two queries (the page's
    ancestors, then their restrictions). Most offices never restrict a page, so first ask the
    shared cache whether any restriction exists at all (kept until content changes, which
    adding or removing a restriction is); when one does, give Wagtail's answer in one query:
    restrictions on this page, its ancestors, or the pages they alias."""

    def get_view_restrictions(self):
        if not pagecache.memo("view-restrictions-exist", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        steplen = self.steplen
        paths = [self.path[:i] for i in range(steplen, len(self.path) + 1, steplen)]
        aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of_id")
        direct = Q(page__path__in=paths) & Q(page__alias_of__isnull=True)
        return PageViewRestriction.objects.filter(direct | Q(page_id__in=aliased))


def relevant_site_root_paths(page, cache_object=None):
    """The sites (and their languages' home pages) `page` lies under, in Wagtail's own order:
    what `Page._get_relevant_site_root_paths` answers, installed in its place by
    PortalConfig.ready() for every page type, plain `Page` rows of menus included.

    Wagtail tests every site's root path against every link it builds: with 1,000 offices
    (5,000 root paths, one per office and language) that was 9 ms of a 24 ms guide page
    (bench/offices.py). Here the root paths are indexed by path once per request (or per page,
    when there is no request, where Wagtail also keeps its list), and a link looks up its own
    ancestors' paths instead. tests/portal/test_site_root_paths.py holds it to Wagtail's answer."""
    holder = cache_object if cache_object else page
    index = getattr(holder, "_portal_site_root_index", None)
    if index is None:
        index = {}
        for order, root in enumerate(page._get_site_root_paths(cache_object)):
            index.setdefault(root.root_path, []).append((order, root))
        holder._portal_site_root_index = index
    path = page.url_path or ""
    found = [match for end, char in enumerate(path) if char == "/" for match in index.get(path[: end + 1], ())]
    return tuple(root for _order, root in sorted(found, key=lambda match: match[0]))
