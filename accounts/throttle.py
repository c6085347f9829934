"""Login throttling on top of django-axes.

django-axes counts failures per pair (login, IP) and locks the pair after
AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME. The login form adds a
CAPTCHA earlier, after LOGIN_CAPTCHA_AFTER_FAILURES failures of the pair, and
the lockout page says when the pair may try again.
"""

from datetime import datetime

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _recent_attempts(ip_address: str | None):
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=threshold)


def recent_failures(request: HttpRequest, username: str) -> int:
    """Failed logins of the pair (login, this client's IP) within the cool-off window."""
    attempts = _recent_attempts(get_client_ip_address(request)).filter(username=username)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def captcha_needed(request: HttpRequest, username: str | None = None) -> bool:
    """With a login: that pair failed often enough. Without (a fresh page): any login from this IP did."""
    limit = settings.LOGIN_CAPTCHA_AFTER_FAILURES
    if username is not None:
        return recent_failures(request, username) >= limit
    per_login = (
        _recent_attempts(get_client_ip_address(request))
        .values("username")
        .annotate(total=Sum("failures_since_start"))
    )
    return per_login.filter(total__gte=limit).exists()


def locked_until(username: str, ip_address: str | None) -> datetime | None:
    """When the lockout of the pair ends, counted from its last failure."""
    last = (
        _recent_attempts(ip_address).filter(username=username).aggregate(last=Max("attempt_time"))
    )
    if last["last"] is None:
        return None
    return last["last"] + settings.AXES_COOLOFF_TIME


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page, with the time the pair may try again."""
    username = (credentials or {}).get("username") or ""
    retry_at = locked_until(username, get_client_ip_address(request))
    return render(
        request,
        "accounts/locked_out.html",
        {"retry_at": retry_at and timezone.localtime(retry_at)},
        status=429,
    )
