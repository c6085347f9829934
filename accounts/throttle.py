"""Login throttling on top of django-axes: anti-automation without malicious lockout.

OWASP ASVS V6 (issue 23, pen-test High 3: five admin-login posts locked a
customer out, again and again):

- django-axes counts failures per pair (login, IP) and locks only the pair, after
  AXES_FAILURE_LIMIT (10) failures, for AXES_COOLOFF_TIME: an address guessing one
  contract is stopped, the owner elsewhere is not;
- the login form asks for the CAPTCHA after LOGIN_CAPTCHA_AFTER_FAILURES (3)
  failures of the pair, or of the contract from all addresses together (that
  never locks), and on every attempt from an address with
  LOGIN_SPRAY_FAILURES_PER_HOUR (20) failures within the hour, whatever contracts
  it tried (password spraying);
- the owner gets an e-mail when the contract reaches LOGIN_OWNER_ALERT_AFTER_FAILURES (10);
- `/admin/` is for staff only: a customer's password does not open it, and its
  failures are counted under `admin:<login>`, apart from the portal's.
"""

from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.audit import client_ip
from core.models import AuditEvent

ADMIN_PREFIX = "admin:"
SPRAY_WINDOW = timedelta(hours=1)


def is_admin_request(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith(reverse("admin:index"))


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: admin-login failures are counted apart from the portal's."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    if username is not None and is_admin_request(request):
        return ADMIN_PREFIX + str(username)
    return username


def _recent_attempts(ip_address: str | None):
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=threshold)


def recent_failures(request: HttpRequest, username: str) -> int:
    """Failed logins of the pair (login, this client's IP) within the cool-off window."""
    attempts = _recent_attempts(get_client_ip_address(request)).filter(username=username)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def contract_failures(username: str) -> int:
    """Failed logins of the contract from every address within the cool-off window."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=threshold)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def spraying(request: HttpRequest) -> bool:
    """This address failed LOGIN_SPRAY_FAILURES_PER_HOUR logins within the hour, any contracts."""
    ip = client_ip(request)
    if ip is None:
        return False
    failures = AuditEvent.objects.filter(
        action="login.failed", ip=ip, at__gte=timezone.now() - SPRAY_WINDOW
    )
    return failures.count() >= settings.LOGIN_SPRAY_FAILURES_PER_HOUR


def captcha_needed(request: HttpRequest, username: str | None = None) -> bool:
    """With a login: the pair, or the contract from all addresses, failed often enough.
    Without (a fresh page): any login from this IP did. Always, for a spraying address."""
    limit = settings.LOGIN_CAPTCHA_AFTER_FAILURES
    if spraying(request):
        return True
    if username is not None:
        return recent_failures(request, username) >= limit or contract_failures(username) >= limit
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


def alert_owner(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """`user_login_failed` receiver (after django-axes' own): the contract's
    LOGIN_OWNER_ALERT_AFTER_FAILURES-th failure within the window mails its owner,
    who is never locked out by others' failures and should know of them."""
    from accounts import mail
    from accounts.models import User

    username = str((credentials or {}).get("username") or "")
    if not username or is_admin_request(request):
        return
    if contract_failures(username) != settings.LOGIN_OWNER_ALERT_AFTER_FAILURES:
        return
    user = User.objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return
    mail.send_after_commit(
        "login-failures",
        user.email,
        {
            "user": user,
            "failures": settings.LOGIN_OWNER_ALERT_AFTER_FAILURES,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "reset_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("accounts:password_reset"),
        },
    )
