"""The editor's form for form pages: a Thai slug keeps its marks, the short code is explained in
the editor's language (Django's own slug messages are English-only in Thai)."""

from wagtail.admin.forms import WagtailAdminPageForm

from forms_builder.slugs import validate_short_code, validate_slug_keeping_marks


class FormPageAdminForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].validators = [validate_slug_keeping_marks]
            # static/js/forms_admin.js rebuilds this slug from the title with its marks.
            self.fields["slug"].widget.attrs["data-fb-keep-marks"] = ""
        if "short_code" in self.fields:
            self.fields["short_code"].validators = [validate_short_code]
