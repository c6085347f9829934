from decimal import Decimal, InvalidOperation

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(value) -> str:
    """`{{ amount|money }}` → `1 234,56 руб.`"""
    if value in (None, ""):
        return ""
    try:
        return formatting.money(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def amount(value, places: int = 2) -> str:
    """A number grouped by thousands with a decimal comma, without the currency."""
    if value in (None, ""):
        return ""
    try:
        return formatting.group_digits(Decimal(value), int(places))
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def month(value) -> str:
    """A period (first day of a month) as `октябрь 2026`."""
    return formatting.month_label(value) if value else ""
