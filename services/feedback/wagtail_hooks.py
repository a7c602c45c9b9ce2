"""Wagtail wiring of the questionnaire: the staff's answers listing and counter QR posters (in
the Reports menu), its panel on the resident's tracking page (the cases
room's `case_tracking_panels` hook), and whether the case was answered, loaded in the tracking
page's one lookup query (`case_tracking_lookup`), so the page costs no extra query."""

from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from services.cases import views as case_views
from services.cases.admin_views import can_use_queue
from services.cases.panels import TRACKING_LOOKUP, TRACKING_PANELS, CasePanel
from services.feedback import admin_views
from services.feedback.forms import QuestionnaireForm
from services.feedback.models import Answer
from services.feedback.views import answered, may_answer


@hooks.register(TRACKING_LOOKUP)
def annotate_answered(queryset):
    return queryset.annotate(has_feedback=Exists(Answer.objects.filter(case=OuterRef("pk"))))


@hooks.register(TRACKING_PANELS)
def questionnaire_panel(case, request):
    """The questionnaire, for whoever opened the request's private part, once it is done and
    while it is not answered. Its own ids: the page's other forms have a comment box too."""
    if not case_views.is_verified(request, case) or not may_answer(case) or answered(case):
        return None
    return CasePanel(
        "feedback/tracking_panel.html", {"feedback_form": QuestionnaireForm(auto_id="id_feedback_%s")}, order=40
    )


# --- staff: the counter's QR posters and the office's answers ----------------------------------


class QueueMenuItem(MenuItem):
    """Shown to whoever works a queue; `can_use_queue` is memoised per request (no query of its own)."""

    def is_shown(self, request):
        return can_use_queue(request)


@hooks.register("register_admin_urls")
def register_counter_qr_url():
    return [path("feedback/counter-qr/", admin_views.counter_qr, name="feedback_counter_qr")]


@hooks.register("register_admin_viewset")
def register_answers():
    return admin_views.AnswerViewSet("feedback_answers")


@hooks.register("register_reports_menu_item")
def register_answers_menu_item():
    return QueueMenuItem(
        _("Satisfaction answers"),
        reverse("feedback_answers:index"),
        name="feedback-answers",
        icon_name="pick",
        order=910,
    )


@hooks.register("register_reports_menu_item")
def register_counter_qr_menu_item():
    return QueueMenuItem(
        _("Counter QR codes"), reverse("feedback_counter_qr"), name="feedback-counter-qr", icon_name="pick", order=920
    )
