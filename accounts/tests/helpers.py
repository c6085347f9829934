"""Shared test helpers of the accounts app: form posts as a browser sends them."""

import re

from django.core import mail
from django.urls import reverse

NEW_PASSWORD = "Zvezda-Polyarnaya-77"
CAPTCHA_OK = {"captcha_0": "test-key", "captcha_1": "PASSED"}


def registration_data(branch, number="3003", **overrides) -> dict:
    data = {
        "contract_number": number,
        "inn": "4205000016",
        "organisation_name": "ООО «Гамма»",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "email": "gamma@example.ru",
        "branch": branch.pk,
        "agreement": "on",
        **CAPTCHA_OK,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_registration(client, branch, number="3003", **overrides):
    return client.post(
        reverse("accounts:register_legal"), registration_data(branch, number, **overrides)
    )


def post_login(client, branch, number, password, **extra):
    return client.post(
        reverse("accounts:login"),
        {"branch": branch.pk, "contract_number": number, "password": password, **extra},
    )


def link_in(message) -> str:
    """The portal link in a message's text part, as a path."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def last_link() -> str:
    return link_in(mail.outbox[-1])
