import pytest
from wagtail.models import Locale

from forms_builder import demo
from forms_builder.models import FormIndexPage, FormPage


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FORMS_BUILDER_INTAKE = "tests.forms_builder.helpers.test_intake"


@pytest.fixture
def form_index(home_th):
    index = FormIndexPage(title="แบบฟอร์มออนไลน์", slug="forms")
    home_th.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def make_form(form_index):
    """make_form(slug, english=False): one of the demo forms, published (optionally translated)."""

    def _make(slug, english=False):
        spec = next(f for f in demo.FORMS if f["slug"] == slug)
        page = FormPage(title=spec["title"]["th"], slug=slug, short_code=slug, next_steps=spec["next"]["th"])
        page.steps = demo.stream(spec, "th")
        form_index.add_child(instance=page)
        page.save_revision().publish()
        if english:
            en = Locale.objects.get(language_code="en")
            index_en = form_index.get_translation_or_none(en) or form_index.copy_for_translation(en)
            index_en.save_revision().publish()
            page_en = page.copy_for_translation(en).specific
            page_en.title = spec["title"]["en"]
            page_en.steps = demo.stream(spec, "en")
            page_en.save_revision().publish()
            return page, FormPage.objects.get(pk=page_en.pk)
        return FormPage.objects.get(pk=page.pk)

    return _make
