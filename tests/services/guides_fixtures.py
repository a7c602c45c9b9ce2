"""Builders for guide, library and news tests: small trees made directly, without the whole demo.
Thin names over tests.factories, kept because many tests read better with them."""

from wagtail.models import Locale

from services.models import FormLibraryPage, ServiceIndexPage
from tests.factories import (
    MINIMAL_PDF,
    DepartmentFactory,
    FormDocumentFactory,
    FormLibraryPageFactory,
    GuidePageFactory,
    ServiceCategoryFactory,
    ServiceIndexPageFactory,
)


def department(site, code="works", name="กองช่าง"):
    return DepartmentFactory(site=site, code=code, name=name, phone="0 5312 3456 ต่อ 201")


def category(locale, slug="building", name="ก่อสร้างและที่ดิน", **extra):
    return ServiceCategoryFactory(locale=locale, slug=slug, name=name, **extra)


def form_document(title="แบบคำขออนุญาตก่อสร้าง", code="ข.1", cat=None, content=MINIMAL_PDF, filename="form.pdf"):
    return FormDocumentFactory(title=title, form_code=code, category=cat, content=content, filename=filename)


def service_index(home):
    existing = ServiceIndexPage.objects.child_of(home).first()
    return existing or ServiceIndexPageFactory(parent=home)


def library(home):
    existing = FormLibraryPage.objects.child_of(home).first()
    return existing or FormLibraryPageFactory(parent=home)


def guide(index, n_items=3, slug="building-permit", forms=(), samples=(), publish=True, **fields):
    """A guide with `n_items` channels, steps and documents, and the given blank and example forms.
    `publish=False` skips the revision (the page is still live): faster for volume tests."""
    return GuidePageFactory(
        parent=index, n_items=n_items, slug=slug, forms=forms, samples=samples, publish=publish, **fields
    )


def english():
    return Locale.objects.get(language_code="en")
