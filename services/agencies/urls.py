"""The agency's page, under the language prefix: /<lang>/agency/<secret>/."""

from django.urls import path, register_converter

from services.agencies import views
from services.agencies.models import TOKEN_PATTERN


class AgencySecretConverter:
    """Exactly the 22 URL-safe characters `Referral.new_token` makes; anything else is not this
    page (and gets the same 404 as a wrong secret)."""

    regex = TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AgencySecretConverter, "agency_secret")

urlpatterns = [
    path("agency/<agency_secret:token>/", views.agency_case, name="agency_case"),
    path("agency/<agency_secret:token>/photos/<int:file_id>/", views.agency_photo, name="agency_photo"),
]
