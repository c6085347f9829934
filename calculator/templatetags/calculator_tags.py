from decimal import Decimal, InvalidOperation

from django import template

from core.formatting import group_digits

register = template.Library()


@register.filter
def volume(value) -> str:
    """A volume or power without trailing zeros: `12345.000` → `12 345`, `0.15` → `0,15`."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    places = max(0, -number.normalize().as_tuple().exponent)
    return group_digits(number, min(places, 6))
