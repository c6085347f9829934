"""System checks of the portal's own settings (`manage.py check`, runserver, migrate)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def supplier_bank_details(app_configs, **kwargs):
    """Development starts on wrong bank details but says so; production refuses (settings)."""
    return [
        Warning(
            f"Реквизиты банка поставщика: {error}.",
            hint="Укажите верные SUPPLIER_BANK_BIK / _ACCOUNT / _CORR_ACCOUNT.",
            id="core.W001",
        )
        for error in getattr(settings, "SUPPLIER_BANK_ERRORS", [])
    ]
