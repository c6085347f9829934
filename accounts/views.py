from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    """«Вход в личный кабинет»."""
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            login(request, form.get_user())
            return redirect(_safe_next(request) or "billing:account")
    else:
        form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """«Выход»: the session is deleted on the server, not only forgotten by the browser."""
    logout(request)
    return redirect("home")


def register(request: HttpRequest) -> HttpResponse:
    """«Регистрация в Личный кабинет»."""
    return render(request, "accounts/register.html")
