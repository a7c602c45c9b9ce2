"""The site search page and the news feeds."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language

from home import search as site_search
from home.models import SearchEntry
from portal.offices import current_office


def search(request):
    """One search over services, forms and news in the visitor's language (Thai-aware, see
    home/search.py). Odd or over-long input is cleaned and trimmed, never an error."""
    query = site_search.clean_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    if kind not in SearchEntry.Kind.values:
        kind = ""
    language = (get_language() or "th").split("-")[0]
    site = current_office(request)  # one office's items only, whatever the other offices publish
    results = site_search.search(query, language, site) if query else []
    corrected = None
    if query and not results and not request.GET.get("exact"):
        # Nothing found: probably a slip of the finger. Show what the nearest indexed words
        # find, and a link to search exactly what was typed ("exact").
        suggestion = site_search.suggest(query, language, request, site)
        if suggestion:
            results = site_search.search(suggestion, language, site)
            corrected = suggestion if results else None
    counts = {}
    for entry in results:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    if kind:
        results = [entry for entry in results if entry.kind == kind]
    page_obj = Paginator(results, 10).get_page(request.GET.get("page"))
    for entry in page_obj:
        entry.link = entry.page.get_url(request) if entry.page_id else entry.url
    kinds = [(value, label, counts.get(value, 0)) for value, label in SearchEntry.Kind.choices]
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "corrected": corrected,
            "page_obj": page_obj,
            "kind": kind,
            "kinds": kinds,
            "total": sum(counts.values()),
        },
    )
