"""The site search page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language
from wagtail.models import Locale, Page

MAX_QUERY_LENGTH = 200


def search(request):
    """Search live pages in the visitor's language. Odd or over-long input is trimmed, never an error."""
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query:
        locale = Locale.objects.filter(language_code=get_language()).first()
        pages = Page.objects.live().public().specific()
        if locale:
            pages = pages.filter(locale=locale)
        results = pages.search(query)
    page_obj = Paginator(results, 10).get_page(request.GET.get("page"))
    return render(request, "home/search.html", {"query": query, "page_obj": page_obj})
