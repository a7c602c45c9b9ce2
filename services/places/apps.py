from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from services.cases import signals as case_signals


class PlacesConfig(AppConfig):
    """Problems in places, in public: the map and list of reports, "already reported here", and
    the people who follow a report."""

    name = "services.places"
    label = "places"
    verbose_name = _("Public reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: the receivers' module imports models, which need the app registry.
        from services.places import cache, following

        # Followers hear of a report's public changes in the transaction that wrote them, as its
        # resident does (services.notifications connects the resident's receiver the same way).
        post_save.connect(following.case_event_saved, sender="cases.CaseEvent", dispatch_uid="places-followers")
        case_signals.case_merged.connect(following.case_merged, dispatch_uid="places-merged")
        case_signals.case_unmerged.connect(following.case_unmerged, dispatch_uid="places-unmerged")
        # Kept GeoJSON answers (services.places.cache) are dropped by any change to a case.
        post_save.connect(cache.case_saved, sender="cases.Case", dispatch_uid="places-kept-case")
        post_delete.connect(cache.case_saved, sender="cases.Case", dispatch_uid="places-kept-case-deleted")
        post_save.connect(cache.case_event_saved, sender="cases.CaseEvent", dispatch_uid="places-kept-event")
