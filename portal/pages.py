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
