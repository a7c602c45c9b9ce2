"""Admin wiring of the template library: the office's "Template library" screen."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.admin_menu import MenuItemFor
from portal.offices import office_ids
from services.library import views

app_urls = (
    [
        path("", views.library, name="index"),
        path("adopt/<int:template_id>/", views.adopt, name="adopt"),
        path("adoptions/<int:pk>/", views.changes, name="changes"),
    ],
    "library",
)


@hooks.register("register_admin_urls")
def register_library_urls():
    return [path("library/", include(app_urls))]


def _works_for_an_office(request):
    ids = office_ids(request.user)
    return ids is None or bool(ids)


@hooks.register("register_admin_menu_item")
def register_library_menu_item():
    return MenuItemFor(
        _("Template library"),
        reverse("library:index"),
        name="template-library",
        icon_name="copy",
        order=170,
        shown=_works_for_an_office,
    )
