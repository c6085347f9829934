"""Development as a newcomer sees production: the portal's own 404 page under DEBUG."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from core.views import page_not_found


class PortalNotFoundMiddleware:
    """With DEBUG on, Django answers a 404 with its English technical page; `make run` shows
    the portal's «Страница не найдена» instead, as production does, unless
    DEBUG_TECHNICAL_404 is set (a developer looking for a missing URL pattern)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and settings.DEBUG and not settings.DEBUG_TECHNICAL_404:
            return page_not_found(request)
        return response


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on everything under /cabinet/ (pages, PDFs,
    receipts) and /admin/: a shared or browser cache never keeps a customer's data
    for the next person at that computer (issue 23)."""

    PREFIXES = ("/cabinet/", "/admin/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PREFIXES):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
