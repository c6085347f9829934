"""The deployment files hold the production shape (docs/deployment.md).

There is no Docker daemon here: Compose itself parses docker-compose.yml
(Debian's `docker-compose` 1.29, or the `docker compose` plugin where it is
installed; `config` needs no daemon), and the YAML is checked for what the
deployment relies on; tests/faults/test_cluster.py runs the same processes on
this machine.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from conftest import in_ci

ROOT = Path(settings.BASE_DIR)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_command() -> list[str]:
    """Compose's own parser: `docker-compose` (Debian, .ci/run installs it) or the plugin."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        found = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if found.returncode == 0:
            return ["docker", "compose"]
    if in_ci():
        pytest.fail("CI needs Compose to parse docker-compose.yml (apt-get install docker-compose)")
    pytest.skip("Compose is not installed (apt-get install docker-compose)")


def compose_config(**variables) -> subprocess.CompletedProcess:
    # Only the variables given: the file's own defaults and mandatory values are under test.
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [*compose_command(), "-f", "docker-compose.yml", "config"],
        cwd=ROOT, env={**keep, **variables}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


SECRETS = {"SECRET_KEY": "s" * 64, "BANK_SECRET_KEY": "b" * 64, "PAYMENT_SECRET": "p" * 32}


def test_docker_compose_config_parses_the_compose_file():
    result = compose_config(**SECRETS)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert set(resolved["services"]) == set(compose()["services"])
    web = resolved["services"]["web"]["environment"]
    assert web["SECRET_KEY"] == SECRETS["SECRET_KEY"] and web["DEBUG"] == "false"
    assert web["PAYMENT_GATEWAY_URL"] == "http://bank.localhost/gateway/"
    assert (
        resolved["services"]["bank"]["environment"]["GATEWAY_SECRET"] == SECRETS["PAYMENT_SECRET"]
    )


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_docker_compose_refuses_to_start_without_a_secret(missing):
    result = compose_config(**{k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0 and f"set {missing}" in result.stderr


def test_the_compose_file_is_well_formed():
    data = compose()
    assert set(data) <= {"x-app", "services", "volumes", "networks"}
    for name, service in data["services"].items():
        assert "image" in service or "build" in service, name
        for dependency in service.get("depends_on", {}):
            assert dependency in data["services"], (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), source
            else:
                assert source in data["volumes"], (name, source)


def test_the_compose_file_has_the_production_processes():
    services = compose()["services"]
    assert {"nginx", "web", "worker", "beat", "redis", "db", "migrate", "bank"} <= set(services)
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["db"]["image"] == "postgres:15"
    worker = services["worker"]["command"]
    assert worker[:4] == ["celery", "-A", "eskk_portal", "worker"]
    assert worker[worker.index("-Q") + 1] == "mail,documents,imports"
    assert services["beat"]["command"][3] == "beat"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert {"pgdata", "media"} <= set(compose()["volumes"])


def test_the_portal_runs_without_the_mock_bank_and_the_bank_is_a_service_of_its_own():
    services = compose()["services"]
    env = services["web"]["environment"]
    assert env["DEBUG"] == "false" and "MOCK_GATEWAY" not in env
    assert env["PAYMENT_GATEWAY_URL"].endswith("//bank.localhost/gateway/}")
    assert services["bank"]["environment"]["DJANGO_SETTINGS_MODULE"] == "gateway.bank.settings"
    assert "bank.localhost" in services["nginx"]["networks"]["default"]["aliases"]


def test_nginx_passes_the_client_ip_and_serves_media_only_after_the_portals_check():
    config = (ROOT / "deploy" / "eskk-portal.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config
    media = config[config.index("location /protected-media/") :]
    assert media.split("}")[0].split("{")[1].split()[0] == "internal;"
    env = compose()["services"]["web"]["environment"]
    assert env["MEDIA_ACCEL_REDIRECT"] == "/protected-media/"
    assert env["TRUSTED_PROXIES"] == compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]


def test_the_image_has_no_dev_tools_and_runs_as_a_user_owning_its_folders():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert (
        "-r requirements.prod.lock" in dockerfile
        and "requirements.lock" not in dockerfile.replace("requirements.prod.lock", "")
    )
    assert "chown -R eskk:eskk /app/var" in dockerfile
    assert "\nUSER eskk\n" in dockerfile
    lock = (ROOT / "requirements.prod.lock").read_text()
    for tool in ("pytest", "ruff", "playwright", "bandit", "hypothesis"):
        assert f"\n{tool}==" not in lock, tool
