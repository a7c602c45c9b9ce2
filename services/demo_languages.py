"""The demo's pages in Burmese, Khmer and Lao (issue 22), translated the way an editor would with
wagtail-localize: a translation of the Thai page, its strings translated one by one, then saved.

The complaint and streetlight e-forms and their guides, and the garbage-fee guide, are the pages
migrant workers are sent to; their parents (the home page, the service and form indexes) are
translated first so the new pages sit in a tree of their own language. A string without an entry
below keeps its Thai text (wagtail-localize's fallback), as an editor's half-done translation
would; the tracking page is a view and speaks the language from the UI catalogue. Idempotent:
run twice, the same pages and strings.

The wordings are machine-quality drafts for the demo; a native speaker should review them.
"""

from django.db import transaction
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

LANGUAGES = ("my", "km", "lo")
# Slugs of the Thai pages, parents first.
PAGES = (
    "home",
    "services",
    "forms",
    "complaint",
    "streetlight-repair",
    "garbage-fee",
    "complaint-form",
    "streetlight-repair-form",
)

# Thai source string: (Burmese, Khmer, Lao)
WORDS = {}


def thai_pages(site):
    root = site.root_page
    found = {"home": root}
    for page in Page.objects.descendant_of(root).filter(locale=root.locale, slug__in=PAGES).order_by("depth"):
        found.setdefault(page.slug, page)
    return [found[slug].specific for slug in PAGES if slug in found]


def translate(page, locales):
    """The page's translations into `locales`, every known string filled in, published."""
    source, _created = TranslationSource.update_or_create_from_instance(page)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for index, locale in enumerate(locales):
        translation, _created = Translation.objects.get_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        for segment in segments:
            words = WORDS.get(segment.string.data)
            if words is None:
                continue
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": words[index]},
            )
        translation.save_target(publish=True)
    return source


def load(site, out):
    locales = [Locale.objects.get(language_code=code) for code in LANGUAGES]
    with transaction.atomic():
        pages = thai_pages(site)
        for page in pages:
            translate(page, locales)
    out.write(f"  languages: {len(pages)} pages in {', '.join(LANGUAGES)}\n")
