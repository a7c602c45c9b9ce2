"""Models of the services room, one module per concern (departments, guides, cases)."""

from services.models.cases import Case, CaseEvent, CaseSettings, OfficeClosure, ReplyTemplate  # noqa: F401
from services.models.departments import Department
from services.models.guides import FormDocument, FormLibraryPage, ServiceCategory, ServiceIndexPage, ServicePage  # noqa: F401
from services.models.notifications import Notification, NotificationSettings, NotificationTemplate  # noqa: F401
from services.models.payments import Household, Invoice, MonthlyCharge, Payment, PaymentSettings, ReceiptCounter  # noqa: F401
from services.models.privacy import (  # noqa: F401
    Anonymisation,
    DataSubjectRequest,
    PersonalDataAccess,
    PrivacySettings,
    RetentionRule,
)
from services.models.reports import MonthlyReport, Open311Key, PageViewCount  # noqa: F401

__all__ = ["Department"]
