"""Public URLs of the case queue. /t/<REFERENCE> sits outside the language prefix so the
reference printed on a receipt (and in its QR code) stays short; the page follows the visitor's
language."""

from django.urls import path, register_converter

from services.cases import access, views


class LinkSecretConverter:
    """A tracking link's secret: exactly the 22 URL-safe characters `access.issue_link` makes,
    which none of the one-word actions below (reply, reopen, fixed, code, photo) can match."""

    regex = access.LINK_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LinkSecretConverter, "link_secret")

urlpatterns = [
    path("t/<str:reference>", views.case_track, name="case_track"),
    path("t/<str:reference>/files/<int:file_id>", views.case_file, name="case_file"),
    path("t/<str:reference>/photo", views.case_photo, name="case_photo"),
    path("t/<str:reference>/code", views.case_code, name="case_code"),
    path("t/<str:reference>/line", views.case_line, name="case_line"),  # before <slug:action>, which "line" fits
    path("t/<str:reference>/line/done", views.case_line_done, name="case_line_done"),
    path("t/<str:reference>/line/stop", views.case_line_stop, name="case_line_stop"),
    path("t/<str:reference>/missing", views.case_missing_documents, name="case_missing_documents"),
    path("t/<str:reference>/record/<int:record_id>", views.case_deficiency_record, name="case_deficiency_record"),
    path("t/<str:reference>/<link_secret:token>", views.case_link, name="case_link"),
    path("t/<str:reference>/<slug:action>", views.case_action, name="case_action"),
]
