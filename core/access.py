"""The one way a view learns whose data it may show.

Every cabinet view is wrapped in `contract_required`: it demands a logged-in
portal user bound to a contract and puts that contract on `request.contract`.
Views then fetch objects only through helpers that filter by it, so another
customer's id is a 404.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def contract_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Allow only a logged-in user of a contract; staff without one are refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        contract = getattr(user, "contract", None)
        if contract is None:
            raise PermissionDenied("Нет договора, привязанного к учетной записи.")
        request.contract = contract
        return view(request, *args, **kwargs)

    return wrapper
