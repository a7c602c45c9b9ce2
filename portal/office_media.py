"""Images, documents and snippets reached around Wagtail's permission policies, cut to offices
(issue 17).

portal/office_admin.py narrows Wagtail's permission policies, which the admin's image and
document screens ask. Five ways in ask no policy, so each is narrowed here, once, by the same
rule (a collection belongs to the office whose group was granted it):

- The admin API (/<admin>/api/main/documents/ and images/, read by the admin's scripts) lists
  every image and document of the install: its endpoints list only the collections of the
  person's offices (`scope_collection_items`). portal/urls.py mounts them in place of Wagtail's.
- A document's download (/documents/<id>/<file>): a blank form is public, but only on its own
  office's host name, or to staff whose offices hold it; anywhere else it does not exist (404).
  A private document keeps Wagtail's restriction and portal's private-document check.
- The document form (upload, edit, the chooser's upload tab) offers every office's categories:
  `OfficeDocumentForm` (settings.WAGTAILDOCS_DOCUMENT_FORM_BASE) offers the person's offices'
  only, and a posted id of another office's is refused next to the field. Its collection choice
  is already the policy's.
- wagtail-localize's snippets API (/<admin>/localize/api/snippets/<app>/<model>/) lists every
  row of a snippet: it lists what the snippet's own admin listing does (the person's offices').
  Its "Translate" page of a snippet (/<admin>/localize/submit/snippet/…) is 404 for another
  office's row.
"""

from django.apps import apps
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.api.urls import admin_api
from wagtail.admin.auth import require_admin_access
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.forms import BaseDocumentForm
from wagtail.documents.views import serve
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.utils.urlpatterns import decorate_urlpatterns
from wagtail_localize.views import snippets_api, submit_translations

from portal.office_admin import (
    collection_ids,
    collection_owners,
    default_site_id,
    document_is_private,
    scope_collection_items,
)
from portal.office_viewsets import has_office, in_offices, scope_choices
from portal.offices import current_office, scope

MAX_ID_DIGITS = 18  # larger numbers overflow SQLite's and PostgreSQL's 64-bit integers


# -- The admin API -----------------------------------------------------------------------------


class OfficeDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return scope_collection_items(super().get_queryset(), self.request.user)


class OfficeImagesAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return scope_collection_items(super().get_queryset(), self.request.user)


class OfficeSnippetsAPIViewSet(snippets_api.SnippetViewSet):
    """wagtail-localize's snippets API, listing what the snippet's admin listing lists."""

    def get_queryset(self):
        model = self.get_model()
        # The snippet's viewset narrows its listing to the person's offices (OfficeScopedViewSet);
        # None is Wagtail's "every row".
        queryset = model.snippet_viewset.get_queryset(self.request)
        if queryset is None:
            queryset = model._default_manager.all()
        return scope(queryset, self.request.user) if has_office(model) else queryset


def office_snippet_only(view):
    """`view` (of a snippet named by app label, model name and pk) answering 404 for another
    office's row: wagtail-localize's "Translate" page shows the snippet before checking it."""

    def guarded(request, app_label, model_name, pk, **kwargs):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            raise Http404 from None
        if has_office(model) and not in_offices(model, pk, request.user):
            raise Http404
        return view(request, app_label=app_label, model_name=model_name, pk=pk, **kwargs)

    return guarded


def _api_views(name, viewset):
    """Wagtail's API endpoint URLs (listing, detail, find) served by `viewset`, unnamed: the
    names, and the links the API writes, stay Wagtail's."""
    return [
        path(f"api/main/{name}/", admin_api.wrap_view(viewset.as_view({"get": "listing_view"}))),
        path(f"api/main/{name}/<int:pk>/", admin_api.wrap_view(viewset.as_view({"get": "detail_view"}))),
        path(f"api/main/{name}/find/", admin_api.wrap_view(viewset.as_view({"get": "find_view"}))),
    ]


# Mounted under the admin's path before Wagtail's own URLs (portal/urls.py), with the admin's
# sign-in requirement and no caching, as Wagtail's admin URLs have.
admin_urlpatterns = decorate_urlpatterns(
    [
        *_api_views("documents", OfficeDocumentsAPIViewSet),
        *_api_views("images", OfficeImagesAPIViewSet),
        path(
            "localize/api/snippets/<slug:app_label>/<slug:model_name>/",
            OfficeSnippetsAPIViewSet.as_view({"get": "list"}),
        ),
        path(
            "localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
            OfficeSnippetsAPIViewSet.as_view({"get": "retrieve"}),
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            office_snippet_only(submit_translations.SubmitSnippetTranslationView.as_view()),
        ),
    ],
    lambda view: never_cache(require_admin_access(view)),
)


# -- Downloads ---------------------------------------------------------------------------------


def served_here(document, request):
    """True when `document` may be downloaded by this request: on a host name of an office that
    owns its collection (`collection_owners`), or by staff whose offices hold it (platform
    administrators: any). A private document goes on to Wagtail's restriction (a sign-in page)
    and portal's check of the office (403), which never hand its file to another office."""
    user = request.user
    if user.is_authenticated:
        ids = collection_ids(user)
        if ids is None or document.collection_id in ids:
            return True
    office = current_office(request)
    # A collection no office claims is the default office's, as every file was before offices.
    owners = collection_owners().get(document.collection_id) or {default_site_id()}
    if office is not None and office.pk in owners:
        return True
    return document_is_private(document)


def serve_document(request, document_id, document_filename):
    """Wagtail's document download, on the document's own office's host name only."""
    if len(document_id) > MAX_ID_DIGITS:
        raise Http404
    document = get_object_or_404(get_document_model(), pk=document_id)
    if not served_here(document, request):
        raise Http404
    return serve.serve(request, document_id, document_filename)


# -- The document form -------------------------------------------------------------------------


class OfficeDocumentForm(BaseDocumentForm):
    """Wagtail's document form whose choices of office data (a blank form's category) are the
    person's offices' only; Django refuses a posted id outside them next to the field."""

    def __init__(self, *args, **kwargs):
        user = kwargs.get("user")  # Wagtail's views pass the person; BaseCollectionMemberForm takes it
        super().__init__(*args, **kwargs)
        if user is not None:
            scope_choices(self, user)
