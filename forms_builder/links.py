"""The two URLs that reach a form page without walking the page tree.

`/<lang>/forms/<id>/step/` is where every wizard step posts (by primary key: cheaper than Wagtail's
routing, see wizard_post); `/f/<code>` is the link printed on QR stickers. Both look the page up
among the forms of the office the host name belongs to (`office_forms`), so they sit above
forms_builder.models, which routes the page's own screens to the wizard and forms_builder.views.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import get_language_from_request
from wagtail.models import Locale, Site

from forms_builder.models import FormPage
from forms_builder.wizard import FormWizardView
from portal.offices import current_office


def office_forms(request):
    """Live form pages of the office the request came to: its home page and the home page's
    translations hold them. Another office's forms and the template library's (a tree no site
    holds) are not found on this host name, so one office's sticker never opens another's form.
    Wagtail keeps the sites' root paths in the cache: no query of its own."""
    site = current_office(request)
    roots = [root.root_path for root in Site.get_site_root_paths() if site is not None and root.site_id == site.pk]
    in_office = Q(pk__in=[])
    for path in roots:
        in_office |= Q(url_path__startswith=path)
    return FormPage.objects.live().filter(in_office)


def wizard_post(request, page_id):
    """Where every wizard step posts: the page by primary key, not by walking the page tree.

    Rendering a page URL costs Wagtail's routing (site, locale, each ancestor, restrictions);
    a step post needs none of it, and a four-step form posts five times. GET (a refresh, an old
    bookmark) goes back to the page's own URL. View restrictions are checked as Wagtail does.
    """
    page = office_forms(request).filter(id=page_id).select_related("locale").first()  # id: a huge one finds nothing
    if page is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(page.get_url(request))
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            return HttpResponseRedirect(page.get_url(request))
    return FormWizardView.for_page(page)(request)


def short_link(request, code):
    """/f/<code>: a printed QR sticker. Resolves by the never-changing short code first, then the
    current slug, and sends the visitor to the form in their language."""
    pages = office_forms(request).select_related("locale")
    # Generated codes are capitals, but people type what they read: any case finds the form.
    candidates = list(pages.filter(short_code__iexact=code)) or list(pages.filter(slug=code))
    if not candidates:
        raise Http404
    language = get_language_from_request(request) or settings.LANGUAGE_CODE
    language = language.split("-")[0]
    chosen = next((p for p in candidates if p.locale.language_code == language), None)
    if chosen is None:
        translation = candidates[0].get_translation_or_none(Locale.objects.filter(language_code=language).first())
        chosen = translation if translation is not None and translation.live else candidates[0]
    return HttpResponseRedirect(chosen.get_url(request))
