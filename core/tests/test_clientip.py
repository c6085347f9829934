"""The client's address: X-Forwarded-For only as our own proxies wrote it."""

import pytest
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from conftest import ALICE_PASSWORD
from core.clientip import client_ip
from core.models import AuditEvent

NGINX = "10.0.0.2"


@pytest.fixture(autouse=True)
def _our_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "127.0.0.1"]


def request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Straight from the Internet: the peer, whatever header it sends.
        ("203.0.113.5", None, "203.0.113.5"),
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),
        # Through nginx: the address nginx appended.
        (NGINX, "198.51.100.7", "198.51.100.7"),
        # A client's forged first hop is left of what nginx appended: ignored.
        (NGINX, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two of our proxies (a load balancer, then nginx).
        (NGINX, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # Nginx without a header: nginx itself (a health check).
        (NGINX, None, NGINX),
        (NGINX, "not-an-address", NGINX),
        ("2001:db8::1", "198.51.100.7", "2001:db8::1"),
    ],
)
def test_the_client_is_the_last_address_our_proxies_did_not_write(remote, forwarded, expected):
    assert client_ip(request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request(NGINX, "198.51.100.7")) == NGINX


def test_axes_counts_failures_by_the_same_address():
    assert get_client_ip_address(request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    assert get_client_ip_address(request(NGINX, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_the_audit_log_records_the_client_behind_nginx(client, alice, kemerovo):
    client.post(
        reverse("accounts:login"),
        {"branch": kemerovo.pk, "contract_number": "1001", "password": ALICE_PASSWORD},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )
    assert AuditEvent.objects.get(action="login").ip == "198.51.100.7"


def test_a_forged_header_from_a_stranger_cannot_escape_a_lockout(client, alice, kemerovo):
    """AXES_FAILURE_LIMIT failures lock contract + IP; changing X-Forwarded-For does not
    make a new IP."""
    data = {"branch": kemerovo.pk, "contract_number": "1001", "password": "Wrong-Guess-1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {**data, "captcha_0": "x", "captcha_1": "PASSED"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        reverse("accounts:login"),
        {**data, "password": ALICE_PASSWORD, "captcha_0": "x", "captcha_1": "PASSED"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert not AuditEvent.objects.filter(action="login").exists()
    assert AuditEvent.objects.filter(action="login.locked_out").exists()
    assert response.status_code in (200, 403, 429)
