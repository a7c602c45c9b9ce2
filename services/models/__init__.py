"""Models of the catalogue: departments, categories, guide pages and the forms library.

The areas built on it (cases, payments, notifications, privacy, reporting, open311) keep their
models in their own apps inside services/.
"""

from services.models.departments import Department
from services.models.guides import FormDocument, FormLibraryPage, ServiceCategory, ServiceIndexPage, ServicePage

__all__ = ["Department", "FormDocument", "FormLibraryPage", "ServiceCategory", "ServiceIndexPage", "ServicePage"]
