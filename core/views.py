import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template

from core.access import contract_required, landing, membership_of
from core.database_errors import is_database_unavailable


def home(request: HttpRequest) -> HttpResponse:
    """The public page with the two ways in: registration and login."""
    if request.user.is_authenticated and membership_of(request.user):
        return redirect(landing(request.user))
    return render(request, "core/home.html")


def under_construction(title: str):
    """A cabinet section that later work will build: says so plainly."""

    @contract_required
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "core/under_construction.html", {"title": title})

    return view


def agreement(request: HttpRequest) -> HttpResponse:
    """«Пользовательское соглашение»: public, linked from registration and payment."""
    return render(request, "core/agreement.html")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 «Сервис временно недоступен» while the database is unreachable.

    Rendered without context processors and without the database: the error
    may have come from either.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(get_template("500.html").render(), status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare answer for load balancers and as the ceiling in the HTTP benchmark."""
    return HttpResponse("ok", content_type="text/plain")
