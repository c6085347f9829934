from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from billing.models import Contract
from meters.models import Meter, Reading


def test_seed_demo_builds_a_large_set_on_request(db):
    call_command("seed_demo", "--contracts", "4", "--meters-per-contract", "3", "--history-months", "2",
                 stdout=open("/dev/null", "w"))  # fmt: skip
    scale = Contract.objects.filter(number__startswith="B")
    assert scale.count() == 4
    assert Meter.objects.filter(delivery_point__contract__in=scale).count() == 12
    assert Reading.objects.filter(meter__delivery_point__contract__in=scale).count() == 24
    call_command("seed_demo", "--contracts", "4", "--meters-per-contract", "3", "--history-months", "2",
                 stdout=open("/dev/null", "w"))  # fmt: skip
    assert Meter.objects.filter(delivery_point__contract__in=scale).count() == 12


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    """Issue 23 (Low 12): no demo logins in a production database by accident."""
    from django.core.management.base import CommandError

    settings.DEBUG_AS_DEPLOYED = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert not Contract.objects.exists()


def test_with_allow_production_the_demo_admin_gets_no_password(db, settings):
    from accounts.demo import ADMIN_PASSWORD

    settings.DEBUG_AS_DEPLOYED = False
    out = StringIO()
    call_command("seed_demo", "--allow-production", stdout=out)
    admin = User.objects.get(username="admin")
    assert not admin.has_usable_password() and not admin.check_password(ADMIN_PASSWORD)
    assert ADMIN_PASSWORD not in out.getvalue()
