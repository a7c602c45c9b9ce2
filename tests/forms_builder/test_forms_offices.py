"""Two offices on one install (issue 17): a QR sticker's short link and the wizard's step URL find
only the forms of the office whose host name the visitor came to, never another office's form nor
a template of the shared library."""

import pytest
from django.urls import reverse
from django.utils import translation

from forms_builder import demo
from forms_builder.models import FormIndexPage, FormPage
from services.library.management.commands.load_template_library import ensure_library
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

B_HOST = {"HTTP_HOST": "nongbua.localhost"}


def _form(index, slug, short_code):
    spec = next(f for f in demo.FORMS if f["slug"] == "complaint-form")
    page = FormPage(title=spec["title"]["th"], slug=slug, short_code=short_code, next_steps=spec["next"]["th"])
    page.steps = demo.stream(spec, "th")
    index.add_child(instance=page)
    page.save_revision().publish()
    return FormPage.objects.get(pk=page.pk)


def _index(home):
    index = home.add_child(instance=FormIndexPage(title="แบบฟอร์ม", slug="forms"))
    index.save_revision().publish()
    return index


@pytest.fixture
def forms(home_th):
    office_b = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", reference_prefix="NBA")
    _root, _root_en, _guides, library_forms = ensure_library()
    return {
        "a": _form(_index(home_th), "complaint-form", "COMPLAIN"),
        "b": _form(_index(office_b.home_th), "complaint-form", "NBCOMPLN"),
        "library": _form(library_forms, "template-complaint-form", "TEMPLATE"),
    }


def not_found(client, url, **host):
    """A 404 (Django's locale middleware first sends a URL that is not found on to /th/…)."""
    return client.get(url, follow=True, **host).status_code == 404


def step_url(page):
    with translation.override("th"):
        return reverse("form_wizard", kwargs={"page_id": page.pk})


def here(page):
    """The page's address on its own office's host: relative, so the visitor stays on it."""
    return page.relative_url(page.get_site())


def test_a_short_link_opens_only_this_offices_form(client, forms):
    response = client.get("/f/COMPLAIN")  # testserver: the default office
    assert response.status_code == 302 and response["Location"] == here(forms["a"])
    assert not_found(client, "/f/NBCOMPLN")
    assert not_found(client, "/f/TEMPLATE")
    response = client.get("/f/nbcompln", **B_HOST)
    assert response.status_code == 302 and "/forms/complaint-form/" in response["Location"]
    assert response["Location"] == here(forms["b"]) == "/th/forms/complaint-form/"
    assert not_found(client, "/f/COMPLAIN", **B_HOST)
    assert not_found(client, "/f/TEMPLATE", **B_HOST)


def test_the_same_slug_in_two_offices_opens_each_hosts_own(client, forms):
    assert client.get("/f/complaint-form")["Location"] == here(forms["a"])
    assert client.get("/f/complaint-form", **B_HOST)["Location"] == here(forms["b"])
    # The same slug: what opens is the host's own form (its steps post to its own id).
    opened_b = client.get("/f/complaint-form", follow=True, **B_HOST).content.decode()
    assert step_url(forms["b"]) in opened_b and step_url(forms["a"]) not in opened_b
    opened_a = client.get("/f/complaint-form", follow=True).content.decode()
    assert step_url(forms["a"]) in opened_a and step_url(forms["b"]) not in opened_a


def test_a_step_post_reaches_only_this_offices_form(client, forms):
    # The office's own form answers an empty post with its first step again (400, with the form).
    response = client.post(step_url(forms["a"]), {})
    assert response.status_code == 400 and forms["a"].title in response.content.decode()
    assert client.post(step_url(forms["b"]), {}).status_code == 404
    assert client.post(step_url(forms["library"]), {}).status_code == 404
    assert client.post(step_url(forms["b"]), {}, **B_HOST).status_code == 400
    assert client.post(step_url(forms["a"]), {}, **B_HOST).status_code == 404
    assert client.get(step_url(forms["b"]), **B_HOST).status_code == 302  # back to the page's own URL
    assert not any(page.submissions.exists() for page in forms.values())
