"""The portal refuses to start in production mode without real settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def start_env() -> dict:
    return {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CAPTCHA_TEST_MODE",
            "MOCK_GATEWAY",
            "PORTAL_BASE_URL",
        )
        and not k.startswith("PAYMENT_")
    }


def start(**env) -> subprocess.CompletedProcess:
    clean = start_env()
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "eskk_portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


# What a production deployment gives for its real bank.
REAL_BANK = {
    "PAYMENT_GATEWAY_URL": "https://securepay.bank.example/v2/",
    "PAYMENT_NOTIFICATION_URL": "https://lk.eskk.example/cabinet/payments/notify/",
    "PAYMENT_TERMINAL_KEY": "1700000000001",
    "PAYMENT_SECRET": secrets.token_urlsafe(24),
}


def production(**env) -> dict:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.example",
        "PORTAL_BASE_URL": "https://portal.example",
        **REAL_BANK,
        **env,
    }


def test_debug_off_with_a_weak_secret_key_refuses_to_start():
    result = start(**production(SECRET_KEY="x" * 60))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_without_secret_key_refuses_to_start():
    result = start(**{**production(), "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = start(**production(ALLOWED_HOSTS=""))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("hosts", ["*", "portal.example,*"])
def test_debug_off_with_a_wildcard_allowed_host_refuses_to_start(hosts):
    """Issue 23: a wildcard host lets a forged Host header into the links of the mail."""
    result = start(**production(ALLOWED_HOSTS=hosts))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS=* is refused" in result.stderr


def test_debug_off_without_portal_base_url_refuses_to_start():
    result = start(**production(PORTAL_BASE_URL=""))
    assert result.returncode != 0
    assert "PORTAL_BASE_URL must be set" in result.stderr


def test_captcha_test_mode_is_refused_in_production():
    result = start(**production(CAPTCHA_TEST_MODE="true"))
    assert result.returncode != 0
    assert "CAPTCHA_TEST_MODE" in result.stderr


def test_production_settings_start():
    result = start(**production())
    assert result.returncode == 0, result.stderr


def test_the_mock_gateway_is_refused_in_production():
    result = start(**production(MOCK_GATEWAY="true"))
    assert result.returncode != 0
    assert "MOCK_GATEWAY" in result.stderr


@pytest.mark.parametrize("name", sorted(REAL_BANK))
def test_production_refuses_to_start_without_each_payment_setting(name):
    env = production()
    del env[name]
    result = start(**env)
    assert result.returncode != 0
    assert name in result.stderr


@pytest.mark.parametrize(
    "name, demo",
    [("PAYMENT_TERMINAL_KEY", "ESSKDemoTerminal"), ("PAYMENT_SECRET", "essk-demo-terminal-secret")],
)
def test_production_refuses_the_demo_terminal(name, demo):
    result = start(**production(**{name: demo}))
    assert result.returncode != 0
    assert name in result.stderr


def test_production_has_no_mock_gateway_app_nor_urls():
    script = """
import django
from django.urls import Resolver404, resolve

django.setup()
from django.apps import apps

print(apps.is_installed("gateway"))
try:
    resolve("/gateway/v2/Init")
    print(True)
except Resolver404:
    print(False)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**start_env(), **production(), "DJANGO_SETTINGS_MODULE": "eskk_portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_development_has_the_mock_gateway():
    from django.apps import apps
    from django.urls import resolve

    assert settings.MOCK_GATEWAY is True
    assert apps.is_installed("gateway")
    assert resolve("/gateway/v2/Init").url_name == "init"


def test_russian_time_zone_and_dates():
    assert settings.LANGUAGE_CODE == "ru"
    assert settings.TIME_ZONE == "Asia/Novokuznetsk"


def test_check_deploy_is_clean_with_production_settings():
    drop = ("DEBUG", "CAPTCHA_TEST_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(production(ALLOWED_HOSTS="lk.eskk.ru"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_a_soft_upload_time_limit_over_the_hard_one_refuses_to_start():
    # Celery would refuse every upload task when it is queued.
    result = start(
        DEBUG="true", UPLOAD_SOFT_TIME_LIMIT_SECONDS="120", UPLOAD_TIME_LIMIT_SECONDS="90"
    )
    assert result.returncode != 0
    assert "UPLOAD_SOFT_TIME_LIMIT_SECONDS" in result.stderr
