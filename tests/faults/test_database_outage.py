import pytest

from accounts.demo import DEMO_PASSWORD
from tests.faults.conftest import Portal, log_in, manage, production_env

pytestmark = pytest.mark.faults


def test_the_portal_answers_503_while_the_database_is_down_and_recovers_by_itself(cluster):
    env = production_env(cluster.fresh_database("eskk_outage"))
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--allow-production")
    portal = Portal(env)
    try:
        client = log_in(portal.base, "г. Кемерово", "1001", DEMO_PASSWORD)
        assert client.get("/cabinet/account/").status_code == 200
        cluster.stop()
        try:
            down = client.get("/cabinet/account/")
            assert down.status_code == 503
            assert "Сервис временно недоступен" in down.text
            assert "Traceback" not in down.text
        finally:
            cluster.start()
        portal.wait_until(lambda r: r.status_code == 200, "/accounts/login/")
        assert client.get("/cabinet/account/").status_code == 200
    finally:
        portal.stop()
