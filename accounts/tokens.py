"""Signed, single-use links for e-mail confirmation.

A token carries the user's id and a fingerprint of the state the link is
meant to change (active flag, confirmation date, addresses). Using the link
changes that state, so the same link fails the second time; Django's signing
adds the timestamp that limits its life to three days.
"""

from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

MAX_AGE = timedelta(days=3)

REGISTRATION = "registration"
EMAIL_CHANGE = "email-change"


class LinkInvalid(Exception):
    """Not a link the portal made (mistyped, cut, forged)."""


class LinkExpired(Exception):
    """A real link older than MAX_AGE."""


class LinkUsed(Exception):
    """A real link whose purpose was already served (or overtaken by a later request)."""


def _fingerprint(user: User, purpose: str) -> str:
    state = "|".join(
        str(part)
        for part in (
            user.pk,
            user.is_active,
            user.email_confirmed_at,
            user.email,
            user.pending_email,
            # A registration replaced by a newer one starts again: the old link dies.
            user.date_joined.isoformat(),
        )
    )
    return salted_hmac(f"accounts.tokens.{purpose}", state).hexdigest()[:20]


def make_token(user: User, purpose: str) -> str:
    return signing.dumps(
        {"u": user.pk, "f": _fingerprint(user, purpose)},
        salt=f"accounts.tokens.{purpose}",
        compress=True,
    )


def read_token(token: str, purpose: str) -> User:
    """The user a link was made for; raises LinkInvalid, LinkExpired or LinkUsed."""
    try:
        data = signing.loads(token, salt=f"accounts.tokens.{purpose}", max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    user = User.objects.select_related("contract__branch").filter(pk=data.get("u")).first()
    if user is None:
        raise LinkInvalid
    if not constant_time_compare(data.get("f", ""), _fingerprint(user, purpose)):
        raise LinkUsed
    return user
