"""Models of the services room, one module per concern (departments, guides, cases)."""

from services.models.departments import Department

__all__ = ["Department"]
