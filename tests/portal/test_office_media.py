"""Documents, images and snippets reached around Wagtail's permission policies (portal/office_media.py):
office A's staff never get office B's through the admin API, a download, the document form's
choices or wagtail-localize's snippets API; B's blank forms stay public on B's own host name.

Built with the `offices` fixture (tests/portal/conftest.py): A is the default office (testserver),
B is at nongbua.localhost.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from services.models import FormDocument
from tests.factories import ServiceCategoryFactory
from tests.portal.conftest import HOST_B

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"  # what the test uploads


@pytest.fixture
def categories(offices):
    """(A's category, B's category)."""
    a, b = offices
    return (
        ServiceCategoryFactory(site=a.site, slug="permits-a", name="หมวดของเทศบาล"),
        ServiceCategoryFactory(site=b.site, slug="permits-b", name="หมวดของอบต"),
    )


def _missing(client, url, **params):
    """Not found: a 404, after the language-prefix redirect Django adds to unknown paths."""
    response = client.get(url, params, follow=True)
    return response.status_code == 404 and response.content


def _download(client, document, host):
    """(status, True when the answer is the PDF itself)."""
    response = client.get(document.url, HTTP_HOST=host)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.startswith(b"%PDF")


def test_admin_api_lists_only_own_offices_documents_and_images(client, offices):
    a, b = offices
    client.force_login(a.editor)
    for kind, mine, theirs in (("documents", a.document, b.document), ("images", a.image, b.image)):
        listing = client.get(f"/admin/api/main/{kind}/")
        assert listing.status_code == 200
        titles = {item["title"] for item in listing.json()["items"]}
        assert mine.title in titles and theirs.title not in titles, kind
        assert listing.json()["meta"]["total_count"] == len(titles)
        searched = client.get(f"/admin/api/main/{kind}/", {"search": theirs.title})
        assert theirs.title not in searched.content.decode()
        assert client.get(f"/admin/api/main/{kind}/{mine.pk}/").json()["title"] == mine.title
        detail = _missing(client, f"/admin/api/main/{kind}/{theirs.pk}/")
        assert detail and theirs.title.encode() not in detail
        assert _missing(client, f"/admin/api/main/{kind}/find/", id=theirs.pk)


def test_admin_api_still_needs_the_admin(client, offices):
    a, _b = offices
    response = client.get("/admin/api/main/documents/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert a.document.title not in response.content.decode()


def test_localize_snippets_api_lists_only_own_offices_categories(client, offices, categories):
    a, _b = offices
    mine, theirs = categories
    client.force_login(a.editor)
    listing = client.get("/admin/localize/api/snippets/services/servicecategory/")
    assert listing.status_code == 200
    names = {row["title"] for row in listing.json()}
    assert mine.name in names and theirs.name not in names
    assert client.get(f"/admin/localize/api/snippets/services/servicecategory/{mine.pk}/").status_code == 200
    detail = _missing(client, f"/admin/localize/api/snippets/services/servicecategory/{theirs.pk}/")
    assert detail and theirs.name.encode() not in detail


def test_blank_form_downloads_on_its_own_office_host_only(client, offices):
    a, b = offices
    assert _download(client, b.document, HOST_B) == (200, True)  # B's residents download B's form
    assert _download(client, a.document, "testserver") == (200, True)  # the default office's, as before
    assert _download(client, b.document, "testserver")[0] == 404  # B's form does not exist on A's host
    assert _download(client, a.document, HOST_B)[0] == 404
    client.force_login(a.editor)
    assert _download(client, b.document, "testserver")[0] == 404
    assert _download(client, b.document, HOST_B) == (200, True)  # public on B's host, to anyone
    client.force_login(b.editor)
    assert _download(client, b.document, "testserver") == (200, True)  # B's staff see their own anywhere
    assert client.get(f"/documents/{'9' * 40}/form.pdf").status_code == 404  # no 500 on a huge id


def test_document_form_offers_only_own_offices_categories_and_collections(client, offices, categories):
    a, b = offices
    mine, theirs = categories
    a.collection.add_child(name="แบบฟอร์มงานช่าง")  # two collections of A: the form shows its choice
    client.force_login(a.editor)
    for url in ("/admin/documents/add/", "/admin/documents/chooser/", "/admin/documents/chooser/create/"):
        response = client.get(url)
        html = response.text
        if response["Content-Type"].startswith("application/json"):  # a chooser's modal: HTML inside JSON
            html = " ".join(str(value) for value in response.json().values())
        assert mine.name in html, url
        assert theirs.name not in html, url
        assert a.collection.name in html and b.collection.name not in html, url

    def post(category, collection):
        upload = SimpleUploadedFile("request.pdf", PDF, "application/pdf")
        data = {"title": "แบบคำร้อง", "file": upload, "language": "th", "category": category.pk}
        return client.post("/admin/documents/add/", {**data, "collection": collection.pk})

    with translation.override("en"):
        refused = post(theirs, a.collection)
        assert refused.status_code == 200
        assert "category" in refused.context["form"].errors
        refused = post(mine, b.collection)
        assert refused.status_code == 200
        assert "collection" in refused.context["form"].errors
    assert not FormDocument.objects.filter(title="แบบคำร้อง").exists()
    assert post(mine, a.collection).status_code == 302
    assert FormDocument.objects.get(title="แบบคำร้อง").category == mine
