"""Run inside the portal's environment (`python -m tests.faults.portal_state …`):
prepares and reads state for the fault tests, printing JSON."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User, login_name  # noqa: E402
from accounts.organisations import open_organisation  # noqa: E402
from meters.models import Meter, Reading  # noqa: E402


def sessions(count: int) -> list[dict]:
    """A logged-in session for each of the first `count` benchmark contracts, with its meter."""
    result = []
    meters = (
        Meter.objects.filter(delivery_point__contract__number__startswith="B")
        .select_related("delivery_point__contract__branch")
        .order_by("delivery_point__contract__number", "number")
    )
    seen = set()
    for meter in meters:
        contract = meter.delivery_point.contract
        if contract.pk in seen:
            continue
        seen.add(contract.pk)
        user, _ = User.objects.get_or_create(
            username=login_name(contract.branch, contract.number), defaults={"contract": contract}
        )
        open_organisation(user)  # the cabinet opens only to a member of the contract's organisation
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["started"] = store["last_seen"] = int(time.time())
        store.create()
        last = meter.readings.order_by("-date").first()
        result.append({"cookie": store.session_key, "meter": meter.pk, "last": str(last.value)})
        if len(result) == count:
            break
    return result


def readings_today() -> dict[str, str]:
    today = timezone.localdate()
    return {
        str(m): str(v)
        for m, v in Reading.objects.filter(date=today).values_list("meter_id", "value")
    }


def meter_list() -> list[list[str]]:
    meters = Meter.objects.filter(delivery_point__contract__number__startswith="B")
    return [
        [contract, number]
        for contract, number in meters.values_list("delivery_point__contract__number", "number")
    ]


def reading_count() -> int:
    return Reading.objects.count()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "sessions":
        print(json.dumps(sessions(int(args[0]))))
    elif command == "readings-today":
        print(json.dumps(readings_today()))
    elif command == "meter-list":
        print(json.dumps(meter_list()))
    elif command == "reading-count":
        print(json.dumps(reading_count()))
