"""What changes an account: registration, confirmation, e-mail change, password reset.

Views call these with an `absolute_url` callable (request.build_absolute_uri)
so that the links in the e-mails point at the host the person used.
"""

import enum
from collections.abc import Callable
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import mail, tokens
from accounts.models import User, login_name
from accounts.organisations import open_organisation
from billing.models import Branch, Contract
from core.audit import record
from core.models import AuditEvent

AbsoluteUrl = Callable[[str], str]


class Registration(enum.Enum):
    """What a registration did; the visitor is told the same neutral words for each (issue 23)."""

    LINK_TO_BILLING_EMAIL = "link to the contract's e-mail in billing"
    LINK_TO_REGISTRANT = "link to the registrant (right registration code)"
    AWAITS_STAFF = "waits for staff approval"
    ALREADY_REGISTERED = "already registered: the owner was told"
    NO_MATCH = "no such contract and ИНН"


def find_user(branch: Branch, contract_number: str) -> User | None:
    return (
        User.objects.select_related("contract__branch")
        .filter(username=login_name(branch, contract_number))
        .first()
    )


def send_confirmation(user: User, absolute_url: AbsoluteUrl) -> None:
    """The confirmation link, to where the registration's proof says (`confirmation_sent_to`)."""
    token = tokens.make_token(user, tokens.REGISTRATION)
    link = absolute_url(reverse("accounts:confirm", args=[token]))
    mail.send_after_commit(
        "confirm-registration",
        user.confirmation_sent_to,
        {
            "user": user,
            "link": link,
            "expires_at": timezone.localtime(user.registration_expires_at),
        },
    )


def _code_matches(contract: Contract, code: str) -> bool:
    typed = "".join(code.split()).upper()
    return bool(typed) and constant_time_compare(typed, contract.registration_code)


@transaction.atomic
def register(
    *,
    branch: Branch,
    contract_number: str,
    inn: str,
    email: str,
    organisation_name: str,
    password: str,
    registration_code: str = "",
    absolute_url: AbsoluteUrl,
    request=None,
) -> Registration:
    """Register the contract's portal user, opened only with proof (issue 23, pen-test High 1).

    The ИНН and contract number are public, so they prove nothing. The link
    goes to the e-mail billing holds for the contract; without one, to the
    registrant's address when they typed the «Код регистрации» of the
    contract's «Счет на оплату»; otherwise the registration waits for staff
    approval in the admin. A new registration replaces an unconfirmed one
    (its `date_joined` moves, so the earlier link stops working): a stranger's
    registration never blocks the owner. A registered contract changes
    nothing; its owner is told by mail.
    """
    # The row lock makes simultaneous registrations of one contract take turns
    # (on SQLite the IMMEDIATE transaction does); the unique contract column is
    # the guarantee behind it.
    contract = (
        Contract.objects.select_for_update()
        .select_related("branch", "customer")
        .filter(branch=branch, number=contract_number.strip())
        .first()
    )
    if contract is None or contract.customer.inn != inn:
        record(
            "registration.refused", request=request, username=login_name(branch, contract_number)
        )
        return Registration.NO_MATCH
    user = User.objects.filter(contract=contract).first()
    if user is not None and not user.awaits_confirmation:
        owner_address = contract.email or user.email
        if owner_address:
            mail.send_after_commit(
                "registration-attempt",
                owner_address,
                {"contract": contract, "login_url": absolute_url(reverse("accounts:login")),
                 "reset_url": absolute_url(reverse("accounts:password_reset"))},
            )  # fmt: skip
        record("registration.refused_registered", request=request, username=user.username)
        return Registration.ALREADY_REGISTERED
    if contract.email:
        outcome, send_to = Registration.LINK_TO_BILLING_EMAIL, contract.email
    elif _code_matches(contract, registration_code):
        outcome, send_to = Registration.LINK_TO_REGISTRANT, email
    else:
        outcome, send_to = Registration.AWAITS_STAFF, ""
    if user is None:
        user = User(username=login_name(contract.branch, contract.number), contract=contract)
    user.email = email
    user.organisation_name = organisation_name
    user.is_active = False
    user.email_confirmed_at = None
    user.date_joined = timezone.now()
    user.confirmation_sent_to = send_to
    user.set_password(password)
    user.save()
    open_organisation(user)
    if send_to:
        send_confirmation(user, absolute_url)
    record("registration.started", request=request, user=user, route=outcome.name)
    return outcome


def resend_confirmation(branch: Branch, contract_number: str, absolute_url: AbsoluteUrl) -> None:
    """The link again, to where it went, for a registration still waiting for it; silent otherwise."""
    user = find_user(branch, contract_number)
    if (
        user is not None
        and user.awaits_confirmation
        and user.confirmation_sent_to
        and not user.registration_expired(timezone.now())
    ):
        with transaction.atomic():
            send_confirmation(user, absolute_url)


class RegistrationExpired(Exception):
    """The registration is older than 72 hours: it must be made again."""


@transaction.atomic
def approve_registration(
    user: User, absolute_url: AbsoluteUrl, *, staff: User, request=None
) -> None:
    """Staff checked the registrant (by phone, by papers): the link goes to the registrant's e-mail."""
    if user.registration_expired(timezone.now()):
        raise RegistrationExpired
    user.confirmation_sent_to = user.email
    user.save(update_fields=["confirmation_sent_to"])
    send_confirmation(user, absolute_url)
    record("registration.approved", request=request, user=staff, target=user.username)


def confirm_registration(token: str) -> User:
    """Activate the account the link was made for; raises tokens.Link* when it cannot."""
    user = tokens.read_token(token, tokens.REGISTRATION)
    now = timezone.now()
    if user.registration_expired(now):
        raise tokens.LinkExpired
    # Claimed with one conditional UPDATE: of two clicks at once, one wins; the
    # date_joined condition refuses the link of a replaced registration.
    claimed = User.objects.filter(
        pk=user.pk, is_active=False, email_confirmed_at=None, date_joined=user.date_joined
    ).update(is_active=True, email_confirmed_at=now)
    if not claimed:
        raise tokens.LinkUsed
    user.is_active, user.email_confirmed_at = True, now
    record("registration.confirmed", user=user)
    return user


@transaction.atomic
def change_password(user: User, password: str, *, request=None) -> None:
    """Set a new password the owner typed (the form checked the old one and the rules)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record("password.changed", request=request, user=user)


# At most this many e-mail-change mails an hour per user (issue 23): the form is no mail cannon.
EMAIL_CHANGES_PER_HOUR = 5


def email_change_allowed(user: User) -> bool:
    """Fewer than EMAIL_CHANGES_PER_HOUR changes asked within the hour (counted in the audit log)."""
    since = timezone.now() - timedelta(hours=1)
    asked = AuditEvent.objects.filter(user=user, action="email.change_requested", at__gte=since)
    return asked.count() < EMAIL_CHANGES_PER_HOUR


@transaction.atomic
def request_email_change(
    user: User, new_email: str, absolute_url: AbsoluteUrl, *, request=None
) -> None:
    """Keep the new address aside, send it a link, tell the old address."""
    user.pending_email = new_email
    user.save(update_fields=["pending_email"])
    token = tokens.make_token(user, tokens.EMAIL_CHANGE)
    link = absolute_url(reverse("accounts:email_confirm", args=[token]))
    context = {"user": user, "new_email": new_email, "days": tokens.MAX_AGE.days}
    mail.send_after_commit("confirm-email-change", new_email, {**context, "link": link})
    if user.email:
        mail.send_after_commit("email-change-notice", user.email, context)
    record("email.change_requested", request=request, user=user, new_email=new_email)


def confirm_email_change(token: str, user: User, *, request=None) -> str:
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
    record("email.changed", request=request, user=user, new_email=new_email)
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
