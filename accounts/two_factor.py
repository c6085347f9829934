"""Two-factor login (issue 19) with django-otp: a TOTP device for an authenticator app
and a static device holding ten single-use recovery codes.

A person with a confirmed TOTP device is asked for a code after the password
(accounts.views.login_code); the session is then marked verified
(`django_otp.login`, read back by OTPMiddleware as `request.user.is_verified()`).
An organisation may require it of all its people (`Organisation.require_two_factor`,
enforced by core.access.contract_required); staff need it for the admin when
ADMIN_REQUIRE_2FA is on (accounts.admin_site).
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from core.audit import record

RECOVERY_CODES = 10
APP_DEVICE = "Приложение"
RECOVERY_DEVICE = "Коды восстановления"


def is_on(user: User) -> bool:
    """The person logs in with a code: a confirmed TOTP device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def start_setup(user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def secret_of(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed by hand (base32, in groups of four)."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (CSP: img-src 'self' data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_setup(user: User, device: TOTPDevice, token: str, *, request=None) -> list[str] | None:
    """Switch two-factor login on when the app's code is right: the device becomes the
    person's only TOTP device; returns the ten new recovery codes (None: wrong code)."""
    if not device.verify_token(_clean(token)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    record("two_factor.enabled", request=request, user=user)
    return codes


@transaction.atomic
def renew_recovery_codes(user: User, *, request=None) -> list[str]:
    """Ten new codes; the earlier ones stop working."""
    codes = _new_recovery_codes(user)
    record("two_factor.codes_renewed", request=request, user=user)
    return codes


@transaction.atomic
def switch_off(user: User, *, request=None) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record("two_factor.disabled", request=request, user=user)


def _clean(token: str) -> str:
    return "".join((token or "").split()).lower()


def check_code(user: User, token: str):
    """The device a code belongs to — the app's, or a recovery code (used up by this) —
    or None. django-otp throttles each device after failures and refuses a TOTP code
    used before."""
    token = _clean(token)
    if not token:
        return None
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    devices += list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def required_for(user: User) -> bool:
    """The person's organisation requires two-factor login of everyone."""
    membership = getattr(user, "membership", None)
    return bool(membership and membership.organisation.require_two_factor)


def admin_requires() -> bool:
    return settings.ADMIN_REQUIRE_2FA
