from django.conf import settings
from django.http import HttpRequest

from core.menu import menu_for


def portal(request: HttpRequest) -> dict:
    """The contact phone on every page and the cabinet menu for a logged-in customer."""
    context = {"contact_phone": settings.CONTACT_PHONE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["cabinet_menu"] = menu_for(request.path)
    return context
