"""Wagtail wiring of the questionnaire: its panel on the resident's tracking page (the cases
room's `case_tracking_panels` hook), and whether the case was answered, loaded in the tracking
page's one lookup query (`case_tracking_lookup`), so the page costs no extra query."""

from django.db.models import Exists, OuterRef
from wagtail import hooks

from services.cases import views as case_views
from services.cases.panels import TRACKING_LOOKUP, TRACKING_PANELS, CasePanel
from services.feedback.forms import QuestionnaireForm
from services.feedback.models import Answer
from services.feedback.views import answered, may_answer


@hooks.register(TRACKING_LOOKUP)
def annotate_answered(queryset):
    return queryset.annotate(has_feedback=Exists(Answer.objects.filter(case=OuterRef("pk"))))


@hooks.register(TRACKING_PANELS)
def questionnaire_panel(case, request):
    """The questionnaire, for whoever opened the request's private part, once it is done and
    while it is not answered."""
    if not case_views.is_verified(request, case) or not may_answer(case) or answered(case):
        return None
    return CasePanel("feedback/tracking_panel.html", {"feedback_form": QuestionnaireForm()}, order=40)
