from django import template

from accounts.people import attribution

register = template.Library()


@register.filter
def who(user) -> str:
    """`{{ reading.submitted_by|who }}` → «Иванова Е. П., бухгалтер» (accounts.people)."""
    return attribution(user)
