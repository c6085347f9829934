"""The README's backup procedure, exactly: pg_dump, then pg_restore into an empty database."""

import subprocess

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.faults.conftest import Portal, log_in, manage, production_env

pytestmark = pytest.mark.faults


def test_a_dump_restored_into_an_empty_database_is_served(cluster, tmp_path):
    source = production_env(cluster.fresh_database("eskk_backup_src"))
    manage(source, "migrate", "--noinput")
    manage(source, "seed_demo", "--allow-production")
    dump = tmp_path / "eskk.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source["DATABASE_URL"]],
        check=True,
    )
    target_url = cluster.fresh_database("eskk_backup_restored")
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target_url}", str(dump)],
        check=True,
    )
    portal = Portal(production_env(target_url))
    try:
        client = log_in(portal.base, "г. Кемерово", "1001", DEMO_PASSWORD)
        page = client.get("/cabinet/account/")
        assert page.status_code == 200
        assert "1001" in page.text
    finally:
        portal.stop()
