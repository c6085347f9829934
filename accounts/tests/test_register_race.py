"""Two registrations of one contract at the same moment: exactly one user (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from accounts import services
from accounts.models import User
from conftest import in_ci, make_contract


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("the registration race must be tested on PostgreSQL in CI")
        pytest.skip("row locks are tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_make_one_user(postgres_only, kemerovo):
    contract = make_contract(kemerovo, "3003", inn="4205000016")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def register(email: str) -> None:
        try:
            start.wait()
            services.register(
                contract=contract,
                email=email,
                organisation_name="ООО «Гамма»",
                password="Zvezda-Polyarnaya-77",
                absolute_url=lambda path: "http://testserver" + path,
            )
            outcomes.append("registered")
        except services.AlreadyRegistered:
            outcomes.append("already")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(f"user{n}@example.ru",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "registered"]
    assert User.objects.filter(contract=contract).count() == 1
