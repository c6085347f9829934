"""What changes an account: registration, confirmation, e-mail change, password reset.

Views call these with an `absolute_url` callable (request.build_absolute_uri)
so that the links in the e-mails point at the host the person used.
"""

from collections.abc import Callable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import mail, tokens
from accounts.models import User, login_name
from billing.models import Branch, Contract

AbsoluteUrl = Callable[[str], str]


class AlreadyRegistered(Exception):
    """The contract already has a portal user."""


def find_user(branch: Branch, contract_number: str) -> User | None:
    return (
        User.objects.select_related("contract__branch")
        .filter(username=login_name(branch, contract_number))
        .first()
    )


def send_confirmation(user: User, absolute_url: AbsoluteUrl) -> None:
    token = tokens.make_token(user, tokens.REGISTRATION)
    link = absolute_url(reverse("accounts:confirm", args=[token]))
    mail.send_after_commit(
        "confirm-registration",
        user.email,
        {"user": user, "link": link, "days": tokens.MAX_AGE.days},
    )


@transaction.atomic
def register(
    *,
    contract: Contract,
    email: str,
    organisation_name: str,
    password: str,
    absolute_url: AbsoluteUrl,
) -> User:
    """An inactive portal user for the contract, and the confirmation e-mail to its address."""
    # The row lock makes two simultaneous registrations of one contract wait
    # for each other; the unique contract column is the guarantee behind it.
    contract = Contract.objects.select_for_update().select_related("branch").get(pk=contract.pk)
    if User.objects.filter(contract=contract).exists():
        raise AlreadyRegistered
    user = User(
        username=login_name(contract.branch, contract.number),
        contract=contract,
        email=email,
        organisation_name=organisation_name,
        is_active=False,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise AlreadyRegistered from None
    send_confirmation(user, absolute_url)
    return user


def resend_confirmation(branch: Branch, contract_number: str, absolute_url: AbsoluteUrl) -> None:
    """A new confirmation e-mail, only for a registration still waiting for one; silent otherwise."""
    user = find_user(branch, contract_number)
    if user is not None and user.awaits_confirmation and user.email:
        with transaction.atomic():
            send_confirmation(user, absolute_url)


def confirm_registration(token: str) -> User:
    """Activate the account the link was made for; raises tokens.Link* when it cannot."""
    user = tokens.read_token(token, tokens.REGISTRATION)
    now = timezone.now()
    # Claimed with one conditional UPDATE: of two clicks at once, one wins.
    claimed = User.objects.filter(pk=user.pk, is_active=False, email_confirmed_at=None).update(
        is_active=True, email_confirmed_at=now
    )
    if not claimed:
        raise tokens.LinkUsed
    user.is_active, user.email_confirmed_at = True, now
    return user


@transaction.atomic
def request_email_change(user: User, new_email: str, absolute_url: AbsoluteUrl) -> None:
    """Keep the new address aside, send it a link, tell the old address."""
    user.pending_email = new_email
    user.save(update_fields=["pending_email"])
    token = tokens.make_token(user, tokens.EMAIL_CHANGE)
    link = absolute_url(reverse("accounts:email_confirm", args=[token]))
    context = {"user": user, "new_email": new_email, "days": tokens.MAX_AGE.days}
    mail.send_after_commit("confirm-email-change", new_email, {**context, "link": link})
    if user.email:
        mail.send_after_commit("email-change-notice", user.email, context)


def confirm_email_change(token: str, user: User) -> str:
    """Make the pending address the account's e-mail; the link must be the user's own."""
    token_user = tokens.read_token(token, tokens.EMAIL_CHANGE)
    if token_user.pk != user.pk:
        raise tokens.LinkInvalid
    new_email = token_user.pending_email
    claimed = (
        User.objects.filter(pk=user.pk, pending_email=new_email)
        .exclude(pending_email="")
        .update(email=new_email, pending_email="")
    )
    if not claimed:
        raise tokens.LinkUsed
    user.email, user.pending_email = new_email, ""
    return new_email


def send_password_reset(branch: Branch, contract_number: str, absolute_url: AbsoluteUrl) -> None:
    """A password reset link to the account's e-mail; silent when there is no such active account."""
    user = find_user(branch, contract_number)
    if user is None or not user.is_active or not user.email:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = absolute_url(reverse("accounts:password_reset_confirm", args=[uid, token]))
    with transaction.atomic():
        mail.send_after_commit(
            "password-reset",
            user.email,
            {"user": user, "link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400},
        )


def password_was_reset(user: User) -> None:
    """After a reset by e-mail the owner is proven: lift a lockout of the login."""
    axes_reset(username=user.username)
