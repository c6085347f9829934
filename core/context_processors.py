from django.conf import settings
from django.http import HttpRequest

from accounts.sections import ROLE_SECTIONS
from core.access import membership_of
from core.menu import menu_for


def portal(request: HttpRequest) -> dict:
    """The contact phone on every page and the cabinet menu for a logged-in customer."""
    context = {"contact_phone": settings.CONTACT_PHONE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        sections = getattr(request, "sections", None)
        if sections is None:
            membership = membership_of(user)
            sections = ROLE_SECTIONS[membership.role] if membership else frozenset()
        context["cabinet_menu"] = menu_for(request.path, sections)
    membership = getattr(request, "membership", None)
    if membership is not None:
        # Lazy: queried only when the switcher is shown (more than one contract).
        context["contract_choices"] = membership.granted_contracts().select_related("branch")
    return context
