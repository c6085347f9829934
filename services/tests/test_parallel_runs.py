"""Two cron runs at the same moment still mail each notice once (the unique record)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection, connections

from conftest import in_ci
from services.models import NotificationSent
from services.notifications import send_notifications
from services.tests.conftest import local


@pytest.mark.django_db(transaction=True)
def test_two_parallel_runs_send_each_notice_once(alice, alice_meter, bob, bob_meter):
    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("the parallel-run test must run on PostgreSQL in CI")
        pytest.skip("needs PostgreSQL: SQLite serialises writers anyway")
    barrier = threading.Barrier(2)
    moment = local(2026, 11, 25)

    def run(_):
        barrier.wait()
        try:
            return send_notifications(moment)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(2)))
    assert sum(r["readings_reminder"]["queued"] for r in results) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.ru", "bob@example.ru"]
    assert NotificationSent.objects.filter(mail__sent_at__isnull=False).count() == 2
