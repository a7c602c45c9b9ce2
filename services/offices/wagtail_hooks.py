"""The "Offices" admin menu (platform administrators only) and its screens; Wagtail's "delete
site" gets the same refusal for offices that hold residents' requests."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.admin_menu import MenuItemFor
from portal.offices import is_platform_admin
from services.offices import views


@hooks.register("register_admin_menu_item")
def register_offices_menu_item():
    return MenuItemFor(
        _("Offices"),
        reverse("offices_index"),
        name="offices",
        icon_name="site",
        order=10000,
        shown=lambda request: is_platform_admin(request.user),
    )


@hooks.register("register_admin_urls")
def register_offices_urls():
    # This app comes before wagtail.admin in INSTALLED_APPS, so "sites/delete/<pk>/" here is
    # matched before Wagtail's own Sites viewset's.
    return [
        path("offices/", views.index, name="offices_index"),
        path("offices/new/", views.create, name="offices_create"),
        path("offices/<int:pk>/archive/", views.archive, name="offices_archive"),
        path("offices/<int:pk>/unarchive/", views.unarchive, name="offices_unarchive"),
        path("offices/<int:pk>/delete/", views.delete, name="offices_delete"),
        path("sites/delete/<str:pk>/", views.site_delete, name="offices_site_delete"),
    ]
