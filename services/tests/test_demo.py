from io import StringIO

from django.core.management import call_command

from services.models import ServiceRequest
from services.tests.conftest import run_notifications


def test_seed_demo_adds_two_requests_once_and_cron_mails_nothing_about_them(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    requests = ServiceRequest.objects.filter(contract__number="1001")
    assert sorted(r.status for r in requests) == ["done", "in_progress"]
    assert all(r.history.count() >= 2 for r in requests)
    assert run_notifications()["status_changed"]["queued"] == 0
