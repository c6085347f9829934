"""The mock bank runs as a service of its own (gateway.bank.settings): only its app."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_the_bank_project_starts_with_only_the_gateway_and_its_urls(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DJANGO_SETTINGS_MODULE": "gateway.bank.settings",
        "BANK_SECRET_KEY": secrets.token_urlsafe(64),
        "BANK_DATABASE_URL": f"sqlite:///{tmp_path / 'bank.sqlite3'}",
        "GATEWAY_TERMINAL_KEY": "DemoShop",
        "GATEWAY_SECRET": "demo-shop-secret",
    }
    script = (
        "import django; django.setup();"
        "from django.apps import apps; from django.urls import reverse;"
        "print(sorted(a.label for a in apps.get_app_configs()), reverse('gateway:init'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['contenttypes',",
        "'gateway',",
        "'staticfiles']",
        "/gateway/v2/Init",
    ]
