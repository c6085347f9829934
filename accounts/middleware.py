import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "last_seen"
STARTED = "started"


def mark_session_start(sender, request: HttpRequest, user, **kwargs) -> None:
    """`user_logged_in` receiver: the 12-hour limit counts from the login itself."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """End a session idle for SESSION_IDLE_TIMEOUT seconds.

    The absolute limit is SESSION_COOKIE_AGE, counted from login (the session
    is not extended on each request), so a session lasts at most 12 hours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(LAST_SEEN, now)
            started = session.setdefault(STARTED, now)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif now - last_seen >= 60 or LAST_SEEN not in session:
                # Written at most once a minute: not a database write per request.
                session[LAST_SEEN] = now
        return self.get_response(request)
