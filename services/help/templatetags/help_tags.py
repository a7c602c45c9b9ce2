"""`{% need_help_for_case case %}`: the "Need help?" box on the tracking page, from the help
area, so the tracking view needs no context of ours (services.help.contacts)."""

from django import template

from services.help.contacts import TEMPLATE, case_help

register = template.Library()


@register.inclusion_tag(TEMPLATE, takes_context=True)
def need_help_for_case(context, case):
    request = context.get("request")
    return {"help": case_help(request, case), "request": request, "help_id": "need-help-case"}
