from decimal import Decimal, InvalidOperation

from django import template

from meters.readings import format_value

register = template.Library()


@register.filter
def reading(value) -> str:
    """A register value or a consumption as the meter shows it: `36 156`, `1 204,5`."""
    if value in (None, ""):
        return ""
    try:
        return format_value(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""
