"""Personas shared by every app's tests.

Alice owns contract 1001 in Кемерово («Руководитель» of its organisation);
Carol is her «Бухгалтер» and Erin her «Энергетик»; Bob holds contract 7007
of another customer in the same city; Stella is staff with no contract.
"""

import datetime as dt
import os
import shutil
from decimal import Decimal

import pytest

ALICE_PASSWORD = "Alice-Secret-2026"
BOB_PASSWORD = "Bob-Secret-2026"
MEMBER_PASSWORD = "Member-Secret-2026"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]


def _sqlite_without_fsync(sender, connection, **kwargs):
    """The test database is thrown away after the run: SQLite need not wait for the disk at
    every commit (a browser test commits on every request, and its flush ~80 times)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")


def pytest_configure(config):
    from django.db.backends.signals import connection_created

    connection_created.connect(_sqlite_without_fsync, dispatch_uid="tests_sqlite_without_fsync")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


# Argon2 is slow on purpose (about 50 ms a hash); the suite hashes and checks thousands
# of passwords. accounts/tests/test_login.py::test_a_stored_password_is_an_argon2_hash
# puts the production hashers back and checks them.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploaded and rendered files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def confirm_key_rates_to_today() -> None:
    """The operators' confirmation of the key rates up to today (see the fixture below)."""
    from django.utils import timezone

    from billing.models import KeyRateConfirmation

    KeyRateConfirmation.objects.get_or_create(confirmed_to=timezone.localdate())


@pytest.fixture(autouse=True)
def _key_rates_confirmed_to_today(request):
    """Tests run on the real calendar, past the reference table's confirmation day: the
    operators' confirmation of the rates up to today is part of every database test's
    world. Tests of the refusal take it away (billing/tests/test_key_rates.py)."""
    if not {"db", "transactional_db"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue(
        "transactional_db" if "transactional_db" in request.fixturenames else "db"
    )
    confirm_key_rates_to_today()
    yield


@pytest.fixture(scope="module")
def demo_once(request, django_db_setup, django_db_blocker):
    """The whole demo, seeded once for a module whose tests read it, at the module's
    DEMO_SEEDED_AT (a datetime; now when the module has none): seed_demo takes seconds, and
    a module of ten tests that each seeded it was a minute of the suite. Each test still
    runs in its own savepoint (the `db` fixture), rolled back after it; the seed itself is
    rolled back after the module, so no other module sees it. Every test of the module
    after the first that asks for it sees the demo: a test that needs an empty database
    lives in another module."""
    import io

    import time_machine
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        # What _key_rates_confirmed_to_today gives every test, before the seed as there.
        confirm_key_rates_to_today()
        seeded_at = getattr(request.module, "DEMO_SEEDED_AT", None) or timezone.now()
        with time_machine.travel(seeded_at, tick=False):
            call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def kemerovo(db):
    from billing.models import Branch

    return Branch.objects.get(code="kemerovo")


@pytest.fixture
def berezovsky(db):
    from billing.models import Branch

    return Branch.objects.get(code="berezovsky")


def make_contract(branch, number, *, inn="4205000016", kpp="420501001", name=None, **fields):
    """A customer and its contract, with sensible defaults for tests."""
    from billing.models import Contract, Customer

    customer = Customer.objects.create(
        name=name or f"ООО «Потребитель {number}»",
        inn=inn,
        kpp=kpp,
        legal_address=f"650000, г. Кемерово, ул. Мира, {number}",
    )
    defaults = dict(
        date=dt.date(2020, 1, 15),
        price_category=1,
        voltage_level="НН",
        max_power_kw=Decimal("150"),
        address=customer.legal_address,
    )
    defaults.update(fields)
    return Contract.objects.create(branch=branch, number=number, customer=customer, **defaults)


def make_user(contract, password, email="user@example.ru"):
    from accounts.models import User, login_name
    from accounts.organisations import open_organisation

    user = User.objects.create_user(
        username=login_name(contract.branch, contract.number),
        password=password,
        email=email,
        contract=contract,
        organisation_name=contract.customer.name,
    )
    open_organisation(user)
    return user


@pytest.fixture
def alice_contract(kemerovo):
    return make_contract(kemerovo, "1001", name="ООО «Альфа»")


@pytest.fixture
def alice(alice_contract):
    return make_user(alice_contract, ALICE_PASSWORD, email="alice@example.ru")


@pytest.fixture
def bob_contract(kemerovo):
    return make_contract(kemerovo, "7007", inn="4205000023", name="ООО «Бета»")


@pytest.fixture
def bob(bob_contract):
    return make_user(bob_contract, BOB_PASSWORD, email="bob@example.ru")


def make_member(owner, role, email, *, password=MEMBER_PASSWORD, contracts=None):
    """An employee of the owner's organisation with a role and granted contracts
    (the owner's own contract by default); logs in by e-mail."""
    from django.utils import timezone

    from accounts.models import Membership, User

    # An invited person confirmed the address by opening the invitation.
    user = User.objects.create_user(
        username=email, password=password, email=email, email_confirmed_at=timezone.now()
    )
    membership = Membership.objects.create(
        user=user, organisation=owner.membership.organisation, role=role
    )
    membership.contracts.set(contracts if contracts is not None else [owner.contract])
    return user


@pytest.fixture
def carol(alice):
    """Alice's accountant («Бухгалтер») on contract 1001."""
    from accounts.models import Role

    return make_member(alice, Role.ACCOUNTANT, "carol@example.ru")


@pytest.fixture
def erin(alice):
    """Alice's power engineer («Энергетик») on contract 1001."""
    from accounts.models import Role

    return make_member(alice, Role.ENGINEER, "erin@example.ru")


@pytest.fixture
def stella(db):
    from accounts.models import User

    return User.objects.create_user(
        username="stella",
        password="Stella-Staff-2026",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


# --- browser tests ------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium through Playwright; a skip on a laptop without it, a failure in CI."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if in_ci():
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests must run in CI")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _tab(chromium, base_url):
    context = chromium.new_context(base_url=base_url, locale="ru-RU")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(chromium, live_server, transactional_db):
    """A browser tab on the live server. Its test ends with a flush of the database;
    billing's post_migrate handler reloads the reference data after it."""
    yield from _tab(chromium, live_server.url)


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """A live server of its own with the whole demo, seeded and committed once for a module
    of browser tests that only read it: a seed takes seconds and each test's flush another
    one, and the walk of every page was four tests that each paid both. The database is
    flushed after the module, as after any browser test. Not pytest-django's `live_server`:
    a test that asks for that one gets `transactional_db` and its flush, which would empty
    the demo under the next test. So every test of such a module asks for this (or
    `demo_page`) and for none of `page`, `live_server`, `db`; a test that changes what
    another would see seeds its own demo with `page`."""
    import io
    from contextlib import ExitStack

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import modify_settings, setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock(), ExitStack() as stack:
        # pytest-django creates the test database only when a collected test asks for
        # `db`: these tests do not, and may be all that runs.
        if connection.settings_dict["NAME"] == CONFIGURED_DB_NAME:
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
            stack.callback(teardown_databases, created, verbosity=0)
        # What _key_rates_confirmed_to_today gives every test with a database.
        confirm_key_rates_to_today()
        call_command("seed_demo", stdout=io.StringIO())
        stack.callback(call_command, "flush", interactive=False, verbosity=0)
        server = LiveServer("localhost")
        stack.callback(server.stop)
        stack.enter_context(modify_settings(ALLOWED_HOSTS={"append": "localhost"}))
        yield server


@pytest.fixture
def demo_page(chromium, demo_server):
    """A fresh browser tab (no cookies) on the live server of `demo_server`."""
    yield from _tab(chromium, demo_server.url)


def browser_login(page, branch_label: str, number: str, password: str) -> None:
    """Log in through the real login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label(branch_label).check()
    page.get_by_label("Логин (номер договора)").fill(number)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


# The database the settings name, before pytest-django puts its test database there.
CONFIGURED_DB_NAME = None


def pytest_sessionstart(session):
    """In CI the suite must run on PostgreSQL: SQLite there is a failure, not a fallback."""
    from django.conf import settings

    global CONFIGURED_DB_NAME
    CONFIGURED_DB_NAME = settings.DATABASES["default"]["NAME"]
    if not in_ci():
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"CI=true but DATABASE_URL is not PostgreSQL ({engine})")


# --- payments: the acquiring gateway in-process -------------------------------


def in_process_transport():
    """An httpx transport that hands requests to this project through Django's test
    client, so the portal and the mock gateway talk HTTP without a server."""
    import httpx
    from django.test import Client

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        response = Client().generic(
            request.method,
            path,
            data=request.content,
            content_type=request.headers.get("content-type", ""),
            headers=headers,
        )
        return httpx.Response(
            response.status_code, headers=dict(response.items()), content=response.content
        )

    return httpx.MockTransport(handle)


@pytest.fixture(autouse=True)
def _payment_gateway_in_process(request):
    """No test reaches the network: the portal's gateway client and the gateway's
    notification sender go to this project in-process (browser tests undo it)."""
    from gateway import notifications
    from payments import client

    transport = in_process_transport()
    client.TRANSPORT, notifications.TRANSPORT = transport, transport
    yield
    client.TRANSPORT, notifications.TRANSPORT = None, None
