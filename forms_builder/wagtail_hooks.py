from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def keep_thai_marks_in_form_slugs():
    """The slug of a form page keeps Thai vowel and tone marks (static/js/forms_admin.js)."""
    return format_html('<script src="{}" defer></script>', static("js/forms_admin.js"))
