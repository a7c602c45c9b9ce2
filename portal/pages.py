"""What every page type of the portal shares."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction, Site

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


class SiteRootPaths(tuple):
    """`Site.get_site_root_paths()` (every office's home pages, one per language: 5,000 at 1,000
    offices) with what links ask of it worked out once: the root paths indexed by path, and how
    many sites there are. One read-only copy per process for each content version (a new site
    or a moved home page is a content change), where Wagtail unpickles the whole list from the
    cache for every request and counts the sites again for every link."""

    def __new__(cls, roots):
        paths = super().__new__(cls, roots)
        paths.by_path = {}
        for order, root in enumerate(paths):
            paths.by_path.setdefault(root.root_path, []).append((order, root))
        paths.site_count = len({root.site_id for root in paths})
        return paths


_process_roots = {"version": None, "paths": None}


def site_root_paths(page, cache_object=None):
    """What `Page._get_site_root_paths` answers, installed in its place by PortalConfig.ready():
    kept on the request (or the page, without one) as Wagtail keeps it, and shared by every
    request of the process while the content version stands."""
    holder = cache_object if cache_object else page
    paths = getattr(holder, "_wagtail_cached_site_root_paths", None)
    if isinstance(paths, SiteRootPaths):
        return paths
    try:
        version = pagecache.version(pagecache.CONTENT)
    except Exception:  # noqa: BLE001 - a cache outage must cost speed, never the page
        version = None
    if version is None:
        paths = SiteRootPaths(Site.get_site_root_paths())
    elif _process_roots["version"] == version:
        paths = _process_roots["paths"]
    else:
        paths = SiteRootPaths(Site.get_site_root_paths())
        _process_roots.update(version=version, paths=paths)
    holder._wagtail_cached_site_root_paths = paths
    return paths


def relevant_site_root_paths(page, cache_object=None):
    """The sites (and their languages' home pages) `page` lies under, in Wagtail's own order:
    what `Page._get_relevant_site_root_paths` answers, installed in its place by
    PortalConfig.ready() for every page type, plain `Page` rows of menus included.

    Wagtail tests every site's root path against every link it builds: with 1,000 offices
    (5,000 root paths, one per office and language) that was 9 ms of a 24 ms guide page
    (bench/offices.py). Here a link looks up its own ancestors' paths in the index instead.
    tests/portal/test_site_root_paths.py holds it to Wagtail's answer."""
    index = site_root_paths(page, cache_object).by_path
    path = page.url_path or ""
    found = [match for end, char in enumerate(path) if char == "/" for match in index.get(path[: end + 1], ())]
    return tuple(root for _order, root in sorted(found, key=lambda match: match[0]))


def page_url(page, request=None, current_site=None):
    """`Page.get_url`, installed in its place by PortalConfig.ready(): Wagtail's own steps, but
    "is there only one site?" is read from the process's root paths instead of counting the
    sites of every office again for every link (a set of 5,000 at 1,000 offices)."""
    if current_site is None and request is not None:
        current_site = Site.find_for_request(request)
    url_parts = page.get_url_parts(request=request)
    if url_parts is None or url_parts[1] is None and url_parts[2] is None:
        return None  # not routable
    site_id, root_url, page_path = url_parts
    if (current_site is not None and site_id == current_site.id) or site_root_paths(page, request).site_count == 1:
        return page_path
    return root_url + page_path
