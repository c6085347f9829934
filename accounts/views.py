import time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.views import PasswordResetConfirmView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import organisations, services, tasks, tokens, two_factor
from accounts.forms import (
    AcceptInvitationForm,
    AccessForm,
    ContractClaimForm,
    ContractCodeForm,
    ContractLookupForm,
    EmailChangeForm,
    InvitationForm,
    LoginForm,
    PortalPasswordChangeForm,
    PortalSetPasswordForm,
    RegistrationForm,
    RequireTwoFactorForm,
    TwoFactorCodeForm,
)
from accounts.models import INVITATION_LIFETIME, ContractClaim, Invitation, Membership, User
from accounts.people import person_name
from core.access import contract_required, landing
from core.audit import record

BACKEND = "accounts.backends.PortalBackend"


def _posted(request: HttpRequest):
    """Form data for a POST, even an empty one (which must still say what is missing)."""
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    """«Вход в личный кабинет»."""
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            if two_factor.is_on(user):
                # The password was right; the session opens only after the code.
                request.session[PENDING_LOGIN] = {
                    "user": user.pk,
                    "backend": user.backend,
                    "at": int(time.time()),
                    "tries": 0,
                    "next": _safe_next(request) or "",
                }
                return redirect("accounts:login_code")
            login(request, user)
            return redirect(_safe_next(request) or landing(request.user))
    else:
        form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


# The session key of a login waiting for its code; it lasts PENDING_SECONDS and CODE_TRIES tries.
PENDING_LOGIN = "two_factor_pending"
PENDING_SECONDS = 300
CODE_TRIES = 5


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING_LOGIN)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a login with two-factor on: a code from the app or a recovery code."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_LOGIN, None)
        messages.error(request, "Время ввода кода истекло. Войдите снова.")
        return redirect("accounts:login")
    form = TwoFactorCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        device = two_factor.check_code(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING_LOGIN]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            record("two_factor.passed", request=request, user=user, device=device.name)
            return redirect(pending["next"] or landing(user))
        pending["tries"] += 1
        record("two_factor.failed", request=request, user=user)
        if pending["tries"] >= CODE_TRIES:
            del request.session[PENDING_LOGIN]
            messages.error(request, "Код введен неверно несколько раз. Войдите снова.")
            return redirect("accounts:login")
        request.session[PENDING_LOGIN] = pending
        form.add_error("code", "Код неверен или уже использован. Введите новый код из приложения.")
    return render(request, "accounts/login_code.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """«Выход»: the session is deleted on the server, not only forgotten by the browser;
    the login page then says so (the message lives in a cookie, the session is gone)."""
    logout(request)
    messages.success(request, "Вы вышли из личного кабинета.")
    return redirect("accounts:login")


def register(request: HttpRequest) -> HttpResponse:
    """«Регистрация в Личный кабинет»: who registers («Организация, ИП, ФЛ»)."""
    return render(request, "accounts/register.html")


@sensitive_post_parameters("password1", "password2")
@never_cache
def register_legal(request: HttpRequest) -> HttpResponse:
    """«Регистрация личного кабинета «Юридического лица»»: the form of the seed."""
    form = RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The same answer whatever happened: the details go by mail (issue 23).
        services.register(
            branch=data["branch"],
            contract_number=data["contract_number"],
            inn=data["inn"],
            email=data["email"],
            organisation_name=data["organisation_name"],
            password=data["password1"],
            registration_code=data["registration_code"],
            absolute_url=request.build_absolute_uri,
            request=request,
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/register_form.html", {"form": form})


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail: activates the account and logs in."""
    try:
        user = services.confirm_registration(token)
    except tokens.LinkExpired:
        return _link_failed(request, "expired")
    except tokens.LinkUsed:
        return _link_failed(request, "used")
    except tokens.LinkInvalid:
        return _link_failed(request, "invalid")
    login(request, user, backend=BACKEND)
    messages.success(request, "Регистрация подтверждена. Добро пожаловать в личный кабинет!")
    return redirect("billing:account")


def _link_failed(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/confirm_failed.html", {"reason": reason}, status=400)


@never_cache
def resend(request: HttpRequest) -> HttpResponse:
    """«Отправить письмо повторно»: the same answer whether or not such a registration waits."""
    form = ContractLookupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.resend_confirmation(
            data["branch"], data["contract_number"], request.build_absolute_uri
        )
        return redirect("accounts:resend_done")
    return render(request, "accounts/resend.html", {"form": form})


def resend_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/resend_done.html")


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """«Забыли пароль?»: the same answer whether or not the contract has an account."""
    form = ContractLookupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        branch_id, number, base = (
            data["branch"].pk,
            data["contract_number"],
            request.build_absolute_uri("/"),
        )
        transaction.on_commit(lambda: tasks.send_password_reset.delay(branch_id, number, base))
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


class PasswordResetConfirm(PasswordResetConfirmView):
    """The link from the reset e-mail: a new password, then «Вход»."""

    form_class = PortalSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_was_reset(form.user)
        return response


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")


@contract_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """«Настройки»: a list of sections (password, e-mail)."""
    return render(request, "accounts/settings.html", {"title": "Настройки"})


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@contract_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change password; every other session of the user ends (its auth hash no longer matches)."""
    form = PortalPasswordChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.change_password(form.user, form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, form.user)
        messages.success(request, "Пароль изменен. На других устройствах нужно войти заново.")
        return redirect("accounts:settings")
    return render(
        request, "accounts/password_change.html", {"form": form, "title": "Изменить пароль"}
    )


@sensitive_post_parameters("password")
@contract_required
def email_change(request: HttpRequest) -> HttpResponse:
    """Change e-mail: the new address becomes the account's only after its link is opened."""
    form = EmailChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        services.request_email_change(
            request.user, new_email, request.build_absolute_uri, request=request
        )
        messages.success(
            request,
            f"На адрес {new_email} отправлено письмо со ссылкой. Адрес станет основным, "
            "когда вы перейдете по ней.",
        )
        return redirect("accounts:settings")
    return render(request, "accounts/email_change.html", {"form": form, "title": "Изменить e-mail"})


@never_cache
@contract_required
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        new_email = services.confirm_email_change(token, request.user, request=request)
    except tokens.LinkExpired:
        return _email_link_failed(request, "expired")
    except tokens.LinkUsed:
        return _email_link_failed(request, "used")
    except tokens.LinkInvalid:
        return _email_link_failed(request, "invalid")
    messages.success(request, f"Адрес {new_email} подтвержден и теперь используется для писем.")
    return redirect("accounts:settings")


def _email_link_failed(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request,
        "accounts/email_confirm_failed.html",
        {"reason": reason, "title": "Изменить e-mail"},
        status=400,
    )


# --- «Настройки» → «Доступ сотрудников» (issue 19) --------------------------------------


def _member_of_organisation(request: HttpRequest, pk: int) -> Membership:
    """A person of the owner's own organisation; anyone else's is a 404."""
    return get_object_or_404(
        Membership.objects.select_related("user"),
        pk=pk,
        organisation_id=request.membership.organisation_id,
    )


def _invitation_of_organisation(request: HttpRequest, pk: int) -> Invitation:
    return get_object_or_404(Invitation, pk=pk, organisation_id=request.membership.organisation_id)


@contract_required
def staff_access(request: HttpRequest) -> HttpResponse:
    """«Доступ сотрудников»: the organisation's people, their roles and contracts, and the
    invitations waiting for an answer."""
    organisation = request.membership.organisation
    return render(
        request,
        "accounts/staff_access.html",
        {
            "title": "Доступ сотрудников",
            "people": organisations.organisation_people(organisation),
            "invitations": organisations.open_invitations(organisation),
        },
    )


@contract_required
def invite(request: HttpRequest) -> HttpResponse:
    """«Пригласить»: the link goes to the address; the page says the same for every address."""
    organisation = request.membership.organisation
    form = InvitationForm(organisation, _posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisations.invite(
                organisation,
                email=data["email"],
                role=data["role"],
                contracts=data["contracts"],
                invited_by=request.user,
                absolute_url=request.build_absolute_uri,
                request=request,
            )
        except organisations.AlreadyMember:
            form.add_error("email", "Сотрудник с этим e-mail уже есть в списке.")
        except organisations.TooManyInvitations:
            form.add_error(
                None,
                f"Можно отправить не больше {organisations.INVITATIONS_PER_HOUR} приглашений "
                "в час. Повторите позже.",
            )
        else:
            messages.success(
                request,
                f"Приглашение отправлено на {data['email']}. Ссылка в письме действует "
                f"{INVITATION_LIFETIME.days} дня и срабатывает один раз.",
            )
            return redirect("accounts:staff_access")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "title": "Пригласить сотрудника"},
    )


@contract_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's role and contracts; saving ends the person's sessions."""
    membership = _member_of_organisation(request, pk)
    initial = {"role": membership.role, "contracts": list(membership.contracts.all())}
    form = AccessForm(membership.organisation_id, _posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisations.change_access(
                membership,
                role=form.cleaned_data["role"],
                contracts=form.cleaned_data["contracts"],
                request=request,
            )
        except organisations.LastOwner:
            form.add_error("role", LAST_OWNER)
        else:
            messages.success(request, f"Доступ изменен: {person_name(membership.user)}.")
            if membership.user_id == request.user.pk:
                return redirect("accounts:login")
            return redirect("accounts:staff_access")
    return render(
        request,
        "accounts/member_edit.html",
        {"form": form, "member": membership, "title": "Изменить доступ"},
    )


LAST_OWNER = "В организации должен остаться хотя бы один «Руководитель»."


@contract_required
@require_POST
def member_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """«Отозвать доступ»: the person's account is switched off and their sessions end."""
    membership = _member_of_organisation(request, pk)
    try:
        organisations.revoke(membership, request=request)
    except organisations.LastOwner:
        messages.error(request, LAST_OWNER)
        return redirect("accounts:staff_access")
    messages.success(request, f"Доступ отозван: {person_name(membership.user)}.")
    if membership.user_id == request.user.pk:
        return redirect("accounts:login")
    return redirect("accounts:staff_access")


@contract_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_of_organisation(request, pk)
    if organisations.resend_invitation(invitation, request.build_absolute_uri, request=request):
        messages.success(request, f"Приглашение отправлено повторно на {invitation.email}.")
    return redirect("accounts:staff_access")


@contract_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_of_organisation(request, pk)
    if organisations.revoke_invitation(invitation, request=request):
        messages.success(request, f"Приглашение для {invitation.email} отозвано.")
    return redirect("accounts:staff_access")


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation: the person's name and password, then the cabinet."""
    try:
        invitation = organisations.read_invitation(token)
    except tokens.LinkExpired:
        return _invitation_failed(request, "expired")
    except tokens.LinkUsed:
        return _invitation_failed(request, "used")
    except tokens.LinkInvalid:
        return _invitation_failed(request, "invalid")
    form = AcceptInvitationForm(invitation.email, _posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = organisations.accept_invitation(
                token,
                last_name=data["last_name"],
                first_name=data["first_name"],
                middle_name=data["middle_name"],
                password=data["password1"],
                request=request,
            )
        except (tokens.LinkUsed, tokens.LinkExpired, tokens.LinkInvalid):
            return _invitation_failed(request, "used")
        if request.user.is_authenticated:
            logout(request)
        login(request, user, backend=BACKEND)
        messages.success(
            request,
            "Добро пожаловать в личный кабинет! Входите с вашим e-mail и паролем.",
        )
        return redirect(landing(user))
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


def _invitation_failed(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/invitation_failed.html", {"reason": reason}, status=400)


# --- «Настройки» → «Договоры» (issue 19) ------------------------------------------------

CLAIM_REFUSED = (
    "Код неверен или устарел, либо этот договор нельзя добавить в вашу организацию. "
    "Проверьте номер договора и код или обратитесь в контактный центр."
)


@contract_required
def contracts(request: HttpRequest) -> HttpResponse:
    """«Договоры»: the organisation's contracts and «Добавить договор» by city and number."""
    organisation = request.membership.organisation
    form = ContractClaimForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            claim = organisations.request_contract(
                organisation,
                branch=form.cleaned_data["branch"],
                number=form.cleaned_data["contract_number"],
                requested_by=request.user,
                request=request,
            )
        except organisations.TooManyClaims:
            form.add_error(
                None,
                f"Можно запросить не больше {organisations.CONTRACT_CLAIMS_PER_HOUR} кодов в час. "
                "Повторите позже.",
            )
        else:
            return redirect("accounts:contract_confirm", pk=claim.pk)
    attached = (
        organisation.contracts.select_related("branch").order_by("branch__name", "number").all()
    )
    return render(
        request,
        "accounts/contracts.html",
        {"form": form, "attached": attached, "title": "Договоры"},
    )


@contract_required
def contract_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-time code of a contract being added: the same words for every contract."""
    claim = get_object_or_404(
        ContractClaim.objects.select_related("branch"),
        pk=pk,
        organisation_id=request.membership.organisation_id,
    )
    form = ContractCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contract = organisations.confirm_contract(
                claim, form.cleaned_data["code"], request=request
            )
        except organisations.ClaimRefused:
            form.add_error("code", CLAIM_REFUSED)
        else:
            messages.success(
                request,
                f"Договор № {contract.number} ({contract.branch.name}) добавлен. Выберите его "
                "в списке «Договор:» вверху страницы.",
            )
            return redirect("accounts:contracts")
    return render(
        request,
        "accounts/contract_confirm.html",
        {"form": form, "claim": claim, "title": "Код для добавления договора"},
    )


# --- «Настройки» → «Двухфакторный вход» (issue 19) --------------------------------------


@contract_required
def two_factor_index(request: HttpRequest) -> HttpResponse:
    """Whether the person logs in with a code; the owner's requirement for everyone."""
    user = request.user
    organisation = request.membership.organisation
    return render(
        request,
        "accounts/two_factor.html",
        {
            "title": "Двухфакторный вход",
            "enabled": two_factor.is_on(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "organisation": organisation,
            "off_form": TwoFactorCodeForm(),
            "require_form": RequireTwoFactorForm(
                initial={"require": organisation.require_two_factor}
            ),
        },
    )


@contract_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """The QR code (and the key) for the app, then the app's first code: on success the ten
    recovery codes, shown once."""
    user = request.user
    device = two_factor.pending_device(user) if request.method == "POST" else None
    if device is None:
        device = two_factor.start_setup(user)
    form = TwoFactorCodeForm(_posted(request))
    form.fields["code"].label = "Код из приложения"
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_setup(user, device, form.cleaned_data["code"], request=request)
        if codes is not None:
            otp_login(request, device)
            return _show_recovery_codes(request, codes, "Двухфакторный вход включен.")
        form.add_error("code", "Код неверен. Введите код, который приложение показывает сейчас.")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "title": "Включить двухфакторный вход",
            "form": form,
            "qr": two_factor.qr_data_uri(device),
            "secret": two_factor.secret_of(device),
        },
    )


def _show_recovery_codes(request: HttpRequest, codes: list[str], note: str) -> HttpResponse:
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"title": "Коды восстановления", "codes": codes, "note": note},
    )


@contract_required
@require_POST
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes (the earlier ones stop working)."""
    if not two_factor.is_on(request.user):
        return redirect("accounts:two_factor")
    codes = two_factor.renew_recovery_codes(request.user, request=request)
    return _show_recovery_codes(request, codes, "Новые коды созданы, прежние больше не действуют.")


@sensitive_post_parameters("code")
@contract_required
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    """Switch it off with a current code; not while the organisation requires it."""
    if request.membership.organisation.require_two_factor:
        messages.error(
            request, "Ваша организация требует двухфакторный вход: отключить его нельзя."
        )
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid() and two_factor.check_code(request.user, form.cleaned_data["code"]):
        two_factor.switch_off(request.user, request=request)
        messages.success(request, "Двухфакторный вход отключен.")
    else:
        messages.error(request, "Код неверен: двухфакторный вход не отключен.")
    return redirect("accounts:two_factor")


@contract_required
@require_POST
def two_factor_require(request: HttpRequest) -> HttpResponse:
    """The owner requires (or no longer requires) a code of everyone in the organisation;
    switching the requirement on needs the owner's own two-factor login first."""
    form = RequireTwoFactorForm(request.POST)
    form.is_valid()
    require = form.cleaned_data.get("require", False)
    if require and not two_factor.is_on(request.user):
        messages.error(request, "Сначала включите двухфакторный вход для себя.")
        return redirect("accounts:two_factor")
    organisations.require_two_factor(request.membership.organisation, require, request=request)
    messages.success(
        request,
        "Двухфакторный вход обязателен для всех сотрудников: без него они попадут только "
        "на страницу его включения."
        if require
        else "Двухфакторный вход больше не обязателен.",
    )
    return redirect("accounts:two_factor")
