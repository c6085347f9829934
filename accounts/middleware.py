import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_LAST_SEEN = "last_seen"
_STARTED = "started"


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
            last_seen = session.get(_LAST_SEEN, now)
            started = session.setdefault(_STARTED, now)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif now - last_seen >= 60 or _LAST_SEEN not in session:
                # Written at most once a minute: not a database write per request.
                session[_LAST_SEEN] = now
        return self.get_response(request)
