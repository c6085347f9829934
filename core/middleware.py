import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer a styled 503 while the database is unreachable, instead of a 500.

    The connection is dropped so that the next request reconnects by itself
    once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, DatabaseError) and not _is_connection_error(exception):
            return None
        logger.error("database unavailable: %s", exception)
        for conn in connections.all():
            conn.close_if_unusable_or_obsolete()
        body = render_to_string("503.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response


def _is_connection_error(exception: Exception) -> bool:
    text = str(exception).lower()
    markers = (
        "connection",
        "could not connect",
        "server closed",
        "terminating",
        "unable to open database",
        "the database system",
    )
    return any(marker in text for marker in markers)
