from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    """Queue booking: time slots at an office's counters for services that need a visit, booked
    online or printed as walk-in tickets into the same queue."""

    name = "services.booking"
    label = "booking"
    verbose_name = _("Queue booking")
    default_auto_field = "django.db.models.BigAutoField"
