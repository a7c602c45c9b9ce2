from django import template
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("home/includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages the editors ticked "show in menus", in the visitor's language."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = []
    if site is not None:
        root = site.root_page.localized
        items = root.get_children().live().in_menu().only("id", "title", "url_path", "locale_id")
    return {"items": items, "request": request, "current": context.get("page")}
