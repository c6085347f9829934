import logging
import sys

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.access import CHOSEN_CONTRACT, contract_required, landing, membership_of
from core.database_errors import is_database_unavailable

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """The public page with the two ways in: registration and login."""
    if request.user.is_authenticated and membership_of(request.user):
        return redirect(landing(request.user))
    return render(request, "core/home.html")


@require_POST
@contract_required
def choose_contract(request: HttpRequest) -> HttpResponse:
    """The switcher «Договор: № … (город)»: a contract the person was granted becomes the
    one every section shows; any other id changes nothing and tells nothing."""
    wanted = request.POST.get("contract", "")
    granted = request.membership.granted_contracts()
    if wanted.isdigit() and granted.filter(pk=int(wanted)).exists():
        request.session[CHOSEN_CONTRACT] = int(wanted)
    return redirect(_section_of(request.POST.get("next", "")) or landing(request.user))


def _section_of(path: str) -> str:
    """The page to return to after switching: the same page unless it shows one object
    (which belongs to the previous contract)."""
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=None) or not path.startswith("/"):
        return ""
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    return "" if match.kwargs else path


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
    """Alive: the process answers (no dependency is asked). Also the HTTP benchmark's ceiling."""
    return HttpResponse("ok", content_type="text/plain")


def _database_ready() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis_ready() -> None:
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()


def _media_writable() -> None:
    name = default_storage.save("readyz/probe", ContentFile(b"ok"))
    default_storage.delete(name)


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: the database answers, Redis (when configured) answers, media is writable.

    503 with the failing parts, so that the load balancer sends nobody to this node.
    """
    failed = []
    for part, check in (
        ("database", _database_ready),
        ("redis", _redis_ready),
        ("media", _media_writable),
    ):
        try:
            check()
        except Exception as error:
            logger.warning("readyz: %s not ready: %s", part, error)
            failed.append(part)
    if failed:
        return HttpResponse(
            "not ready: " + ", ".join(failed), content_type="text/plain", status=503
        )
    return HttpResponse("ready", content_type="text/plain")
