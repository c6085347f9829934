"""Every URL of the project, walked from the resolver, as every kind of person.

Anonymous: sent to the login page (or refused). Alice, the «Руководитель»:
served. Carol («Бухгалтер») and Erin («Энергетик») of Alice's organisation:
served in the sections of their role, 403 naming the role elsewhere. Bob,
another customer: 404 for every object of Alice's. A view added later is
walked too: the walk fails until core.access.URL_SECTIONS gives it a rule
and, if it takes an id, until it learns how to make an object of Alice's for
it (OBJECT_FACTORIES below).
"""

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.sections import ROLE_SECTIONS
from core.access import URL_SECTIONS

# Reachable without logging in, by design.
PUBLIC = {
    "home",
    "agreement",
    "healthz",
    "readyz",
    "accounts:login",
    # The code after the password: it serves only a login whose password was right.
    "accounts:login_code",
    "accounts:register",
    "accounts:register_legal",
    "accounts:register_done",
    "accounts:resend",
    "accounts:resend_done",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    # The gateway's server-to-server callback: POST only, authenticated by its signature.
    "payments:notify",
}
# Other trees with their own rules: the admin (staff only, tested below), the
# CAPTCHA images, and the mock bank, which stands for another host.
SKIPPED_PREFIXES = ("admin:", "captcha-", "gateway:")
PUBLIC_PREFIXES: tuple[str, ...] = ()


def _ledger_entry(contract, user):
    from billing.tests.factories import make_entry

    return {"pk": make_entry(contract).pk}


def _meter(contract, user):
    from meters.tests.conftest import make_meter

    return {"pk": make_meter(contract, number="900100200").pk}


def _invoice(contract, user):
    from documents.tests.factories import make_invoice

    return {"pk": make_invoice(contract).pk}


def _vat_invoice(contract, user):
    from documents.tests.factories import make_vat_invoice

    return {"pk": make_vat_invoice(contract).pk}


def _correction(contract, user):
    from documents.tests.factories import make_correction, make_vat_invoice

    return {"pk": make_correction(contract, make_vat_invoice(contract)).pk}


def _request(contract, user):
    from services.tests.conftest import PDF_BYTES, upload
    from services.workflow import file_request

    pdf = upload("scan.pdf", PDF_BYTES)
    pdf.detected_type = "application/pdf"
    fields = {"topic": "question", "subject": "Вопрос", "text": "Текст"}
    return file_request(contract, user, "question", fields, [pdf])


def _request_detail(contract, user):
    return {"pk": _request(contract, user).pk}


def _attachment(contract, user):
    request = _request(contract, user)
    return {"pk": request.pk, "attachment_pk": request.attachments.get().pk}


def _card_payment(contract, user):
    from payments.tests.factories import make_payment

    return {"pk": make_payment(contract, user).pk}


def _organisation_member(contract, user):
    from conftest import make_member

    return {"pk": make_member(user, Role.ENGINEER, "dave@example.ru").membership.pk}


def _invitation(contract, user):
    from accounts.models import Invitation

    invitation = Invitation.objects.create(
        organisation=user.membership.organisation, email="frank@example.ru", role=Role.ENGINEER
    )
    return {"pk": invitation.pk}


def _contract_claim(contract, user):
    from accounts.organisations import request_contract

    claim = request_contract(
        user.membership.organisation,
        branch=contract.branch,
        number="1002",
        requested_by=user,
    )
    return {"pk": claim.pk}


def _upload_job(kind):
    """A customer's file waiting for the worker (core.jobs): its page says «обрабатывается»."""

    def make(contract, user):
        from core.models import UploadJob

        files = [{"field": "file", "name": "f.csv", "path": "uploads/f.csv"}]
        return {"pk": UploadJob.objects.create(kind=kind, contract=contract, files=files).pk}

    return make


# URLs whose parameters name no customer's object: the same for everyone logged in.
SHARED_PARAMS: dict[str, dict] = {
    "services:request_create": {"kind": "question"},
    "accounts:email_confirm": {"token": "forged-token"},
}
# Public URLs with a parameter: a signed token is the proof, a forged one is refused.
PUBLIC_PARAMS: dict[str, dict] = {
    "services:unsubscribe": {"token": "forged-token"},
    "accounts:confirm": {"token": "forged-token"},
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "forged-token"},
    "accounts:invitation_accept": {"token": "forged-token"},
}

# url name → function(alice's contract, alice) returning the URL kwargs of one of her objects.
OBJECT_FACTORIES: dict[str, Callable] = {
    "billing:entry": _ledger_entry,
    "meters:history": _meter,
    "meters:submit": _meter,
    "meters:upload_job": _upload_job("readings"),
    "meters:hourly_upload_job": _upload_job("hourly80020"),
    "calculator:upload_job": _upload_job("calculator"),
    "services:request_detail": _request_detail,
    "services:attachment": _attachment,
    "documents:invoices_detail": _invoice,
    "documents:invoices_pdf": _invoice,
    "documents:vat_invoices_detail": _vat_invoice,
    "documents:vat_invoices_pdf": _vat_invoice,
    "documents:corrections_detail": _correction,
    "documents:corrections_pdf": _correction,
    "payments:result": _card_payment,
    "payments:receipt": _card_payment,
    "accounts:member_edit": _organisation_member,
    "accounts:member_revoke": _organisation_member,
    "accounts:contract_confirm": _contract_claim,
    "accounts:invitation_resend": _invitation,
    "accounts:invitation_revoke": _invitation,
    "payments:cancel": _card_payment,
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.pattern.converters


def all_named_urls():
    seen = {}
    for name, route, converters in _walk(get_resolver().url_patterns):
        if name.startswith(SKIPPED_PREFIXES) or name in seen:
            continue
        seen[name] = (route, tuple(converters))
    return sorted(seen.items())


URLS = all_named_urls()
PLAIN = [name for name, (_, params) in URLS if not params]
WITH_IDS = [name for name, (_, params) in URLS if params]


def _is_public(name):
    return name in PUBLIC or name.startswith(PUBLIC_PREFIXES)


@pytest.mark.parametrize("name", [n for n in PLAIN if not _is_public(n)])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    else:
        assert response.status_code in (403, 404, 405)


@pytest.mark.parametrize("name", PLAIN)
def test_the_owner_is_served(alice_client, name):
    response = alice_client.get(reverse(name))
    assert response.status_code in (200, 302, 405), response.status_code


@pytest.mark.parametrize("name", [n for n, _ in URLS if not _is_public(n)])
def test_every_url_behind_login_has_an_access_rule(name):
    if name in PUBLIC_PARAMS:
        return
    assert name in URL_SECTIONS, f"give {name} a section in core.access.URL_SECTIONS"


def _opens(role, name):
    section = URL_SECTIONS[name]
    return section is None or section in ROLE_SECTIONS[role]


def _member(request, role):
    return request.getfixturevalue({Role.ACCOUNTANT: "carol", Role.ENGINEER: "erin"}[role])


EMPLOYEE_ROLES = [Role.ACCOUNTANT, Role.ENGINEER]


@pytest.mark.parametrize("role", EMPLOYEE_ROLES)
@pytest.mark.parametrize("name", [n for n in PLAIN if not _is_public(n)])
def test_an_employee_is_served_only_the_sections_of_the_role(client, request, role, name):
    client.force_login(_member(request, role))
    response = client.get(reverse(name))
    if _opens(role, name):
        assert response.status_code in (200, 302, 405), response.status_code
    else:
        assert response.status_code == 403
        assert "Руководитель" in response.content.decode()


@pytest.mark.parametrize("role", EMPLOYEE_ROLES)
@pytest.mark.parametrize("name", [n for n in WITH_IDS if n in OBJECT_FACTORIES])
def test_an_employee_reaches_the_organisations_objects_only_in_the_role(
    client, request, alice, role, name
):
    member = _member(request, role)
    url = reverse(name, kwargs=OBJECT_FACTORIES[name](alice.contract, alice))
    client.force_login(member)
    answers = {client.get(url).status_code, client.post(url).status_code}
    if _opens(role, name):
        assert answers & {200, 302}, answers
    else:
        assert answers <= {403, 405} and 403 in answers, answers


@pytest.mark.parametrize("role", EMPLOYEE_ROLES)
def test_the_menu_shows_only_the_sections_of_the_role(client, request, role):
    client.force_login(_member(request, role))
    response = client.get(reverse("calculator:index"))
    urls = {item["url"] for item in response.context["cabinet_menu"]}
    urls |= {c["url"] for item in response.context["cabinet_menu"] for c in item["children"]}
    for name in ("billing:account", "payments:pay", "meters:readings", "documents:invoices"):
        assert (reverse(name) in urls) == _opens(role, name), name


def test_a_revoked_person_is_logged_out_at_the_next_request(client, carol):
    client.force_login(carol)
    assert client.get(reverse("billing:account")).status_code == 200
    carol.membership.delete()
    response = client.get(reverse("billing:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_a_contract_taken_away_is_no_longer_shown(client, alice, carol):
    carol.membership.contracts.clear()
    client.force_login(carol)
    assert client.get(reverse("billing:account")).status_code == 403


@pytest.mark.parametrize("name", WITH_IDS)
def test_an_object_url_knows_how_to_make_its_object(name):
    known = OBJECT_FACTORIES.keys() | SHARED_PARAMS.keys() | PUBLIC_PARAMS.keys()
    assert name in known, f"add a factory for {name} to OBJECT_FACTORIES"


@pytest.mark.parametrize("name", sorted(SHARED_PARAMS))
def test_a_shared_url_with_parameters_needs_login_and_serves_every_customer(
    client, alice, bob, name
):
    url = reverse(name, kwargs=SHARED_PARAMS[name])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    for user in (alice, bob):
        client.force_login(user)
        # 400: a token-bearing link with a forged token is refused the same for everyone.
        assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize("name", sorted(PUBLIC_PARAMS))
def test_a_public_url_refuses_a_forged_token(client, alice, name):
    url = reverse(name, kwargs=PUBLIC_PARAMS[name])
    for response in (
        client.get(url),
        client.post(url, {"new_password1": "x", "new_password2": "x"}),
    ):
        assert response.status_code in (200, 302, 400, 403, 404)
        assert "_auth_user_id" not in client.session
    alice.refresh_from_db()
    assert alice.check_password("Alice-Secret-2026")


@pytest.mark.parametrize("name", [n for n in WITH_IDS if n in OBJECT_FACTORIES])
def test_another_customer_gets_404_for_alices_objects(client, alice, bob, name):
    kwargs = OBJECT_FACTORIES[name](alice.contract, alice)
    url = reverse(name, kwargs=kwargs)
    client.force_login(alice)
    assert client.get(url).status_code in (200, 302, 405)
    client.force_login(bob)
    # A POST-only view may refuse GET with 405 before it looks the object up.
    answers = {client.get(url).status_code, client.post(url).status_code}
    assert answers <= {404, 405} and 404 in answers, answers
    client.logout()
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_admin_is_reachable_only_by_staff(client, alice, stella):
    assert client.get("/admin/").status_code == 302
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    client.force_login(stella)
    assert client.get("/admin/").status_code == 200


def test_the_walk_finds_the_cabinet_sections():
    names = {name for name, _ in URLS}
    assert {"billing:account", "meters:readings", "payments:pay", "documents:invoices"} <= names


# Callbacks authenticated by their own signature instead of a CSRF token.
CSRF_EXEMPT: set[str] = {"payments:notify"}


def test_the_gateway_callback_refuses_an_unsigned_post(client, db):
    response = client.post(reverse("payments:notify"), {"OrderId": "1", "Status": "CONFIRMED"})
    assert response.status_code in (400, 403)


@pytest.mark.parametrize("name", [n for n in PLAIN if n not in CSRF_EXEMPT])
def test_a_post_without_csrf_token_is_refused(alice, name):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse(name), {"anything": "1"})
    assert response.status_code in (403, 405), response.status_code


@pytest.fixture
def bobs_accountant(bob):
    """Dave, the «Бухгалтер» of Bob's organisation: an employee of another organisation."""
    from conftest import make_member

    return make_member(bob, Role.ACCOUNTANT, "dave.bob@example.ru")


@pytest.mark.parametrize("name", [n for n in WITH_IDS if n in OBJECT_FACTORIES])
def test_another_organisations_employee_never_reaches_alices_objects(
    client, alice, bobs_accountant, name
):
    url = reverse(name, kwargs=OBJECT_FACTORIES[name](alice.contract, alice))
    client.force_login(bobs_accountant)
    answers = {client.get(url).status_code, client.post(url).status_code}
    # 403: a section the role lacks is refused before any object is looked up.
    assert answers <= {403, 404, 405}, answers
    if _opens(Role.ACCOUNTANT, name):
        assert 404 in answers, answers


# What a person may open before turning two-factor login on, when the organisation requires it.
TWO_FACTOR_OPEN = {"accounts:two_factor", "accounts:two_factor_setup", "accounts:logout"}


@pytest.mark.parametrize("name", [n for n in PLAIN if n in URL_SECTIONS])
def test_a_required_two_factor_login_closes_every_cabinet_url_until_it_is_on(client, carol, name):
    organisation = carol.membership.organisation
    organisation.require_two_factor = True
    organisation.save()
    client.force_login(carol)
    response = client.get(reverse(name))
    if name in TWO_FACTOR_OPEN or not _opens(Role.ACCOUNTANT, name):
        assert response.status_code in (200, 302, 403, 405), response.status_code
    else:
        assert response.status_code in (302, 405), response.status_code
        if response.status_code == 302:
            assert response["Location"] == reverse("accounts:two_factor"), response["Location"]
