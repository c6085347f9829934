"""Simultaneous registrations of one contract: one account, no 500 (issue 23, Medium 6).

On PostgreSQL the contract's row lock makes them take turns; on SQLite (`make run`)
the IMMEDIATE transaction mode and the busy timeout do.
"""

import threading

import pytest
from django.db import connections

from accounts import services
from accounts.models import User
from conftest import make_contract


@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_registrations_make_one_account(kemerovo):
    contract = make_contract(kemerovo, "3003", inn="4205000016", email="gamma@example.ru")
    start = threading.Barrier(4)
    outcomes: list[object] = []

    def register(email: str) -> None:
        try:
            start.wait()
            outcomes.append(
                services.register(
                    branch=kemerovo,
                    contract_number="3003",
                    inn="4205000016",
                    email=email,
                    organisation_name="ООО «Гамма»",
                    password="Zvezda-Polyarnaya-77",
                    absolute_url=lambda path: "http://testserver" + path,
                )
            )
        except Exception as error:  # the 500 of the pen test: «database is locked»
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(f"user{n}@example.ru",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count(services.Registration.LINK_TO_BILLING_EMAIL) == 4, outcomes
    assert User.objects.filter(contract=contract).count() == 1
