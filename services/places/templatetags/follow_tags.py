"""`{% load follow_tags %}` for the report page's follow box (places/follow_box.html), which the
report page includes with only `case` in its context."""

from django import template

from services.places import following
from services.places.follow_views import FollowForm

register = template.Library()


@register.simple_tag
def reported_count(case):
    """How many people reported the problem (one query)."""
    return following.reported_count(case)


@register.simple_tag
def follow_form():
    return FollowForm()


@register.filter
def follow_status(case):
    """The report's status in words for someone who did not file it ("Fixed", not "Done")."""
    return following.FOLLOWED_STATUS.get(case.status, case.get_status_display())
