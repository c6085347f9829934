"""Migration 0004: every existing user becomes the «Руководитель» of a one-contract
organisation, with login and password unchanged."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_registration_proof")]
AFTER = [("accounts", "0004_organisations")]


@pytest.mark.django_db(transaction=True)
def test_every_existing_user_heads_a_one_contract_organisation(kemerovo):
    from conftest import make_contract

    contracts = [make_contract(kemerovo, "1001"), make_contract(kemerovo, "1002")]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    password = make_password("Old-Secret-2026")
    for contract in contracts:
        old.get_model("accounts", "User").objects.create(
            username=f"kemerovo/{contract.number}", password=password, contract_id=contract.pk
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from accounts.models import Role, User

    for contract in contracts:
        user = User.objects.get(username=f"kemerovo/{contract.number}")
        assert user.check_password("Old-Secret-2026")
        assert user.membership.role == Role.OWNER
        assert list(user.membership.granted_contracts()) == [contract]
        assert user.membership.organisation.customer_id == contract.customer_id
