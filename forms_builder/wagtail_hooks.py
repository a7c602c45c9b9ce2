from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permission_policies.pages import PagePermissionPolicy

from forms_builder import admin_exchange
from forms_builder.models import FormIndexPage, FormPage
from portal.admin_menu import MenuItemFor


@hooks.register("insert_editor_js")
def keep_thai_marks_in_form_slugs():
    """The slug of a form page keeps Thai vowel and tone marks (static/js/forms_admin.js)."""
    return format_html('<script src="{}" defer></script>', static("js/forms_admin.js"))


@hooks.register("register_admin_urls")
def register_exchange_urls():
    return [
        path("forms/import/", admin_exchange.import_view, name="forms_builder_import"),
        path("forms/<int:page_id>/export.json", admin_exchange.export_view, name="forms_builder_export"),
        path("forms/<int:page_id>/replace/", admin_exchange.replace_view, name="forms_builder_replace"),
    ]


def _can_add_pages(request):
    # Only people who may add pages somewhere see the item; the view checks the forms indexes.
    return PagePermissionPolicy().user_has_permission(request.user, "add")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return MenuItemFor(
        _("Import form"),
        reverse("forms_builder_import"),
        name="forms-import",
        icon_name="upload",
        order=165,
        shown=_can_add_pages,
    )


def _exchange_buttons(page, user):
    if page.specific_class is not FormPage or not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Export as JSON"), reverse("forms_builder_export", args=[page.pk]), icon_name="download", priority=70
    )
    yield Button(
        _("Replace from JSON"), reverse("forms_builder_replace", args=[page.pk]), icon_name="upload", priority=71
    )


@hooks.register("register_page_listing_more_buttons")
def form_exchange_listing_buttons(page, user, next_url=None):
    yield from _exchange_buttons(page, user)


@hooks.register("register_page_header_buttons")
def form_exchange_header_buttons(page, user, view_name, next_url=None):
    yield from _exchange_buttons(page, user)
    if page.specific_class is FormIndexPage and page.permissions_for_user(user).can_add_subpage():
        yield Button(
            _("Import form"), reverse("forms_builder_import") + f"?parent={page.pk}", icon_name="upload", priority=72
        )
