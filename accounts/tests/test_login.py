from django.urls import reverse

from conftest import ALICE_PASSWORD


def post_login(client, branch, number, password):
    return client.post(
        reverse("accounts:login"),
        {"branch": branch.pk, "contract_number": number, "password": password},
    )


def test_login_page_has_the_seed_labels(client, db):
    text = client.get(reverse("accounts:login")).content.decode()
    for label in (
        "Вход в личный кабинет",
        "г. Кемерово",
        "г. Березовский",
        "Логин (номер договора)",
        "Пароль",
        "Войти",
    ):
        assert label in text


def test_it_logs_in_with_city_contract_and_password(client, alice, kemerovo):
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:account")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_wrong_password_gives_one_message_that_does_not_say_which_part(client, alice, kemerovo):
    response = post_login(client, kemerovo, "1001", "wrong-password")
    text = response.content.decode()
    assert "Неверный номер договора или пароль." in text
    assert 'value="1001"' in text
    assert "_auth_user_id" not in client.session


def test_the_same_number_in_the_other_city_is_not_alices(client, alice, berezovsky):
    response = post_login(client, berezovsky, "1001", ALICE_PASSWORD)
    assert "Неверный номер договора или пароль." in response.content.decode()


def test_logout_ends_the_session_on_the_server(client, alice, kemerovo):
    post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 1
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert Session.objects.count() == 0
    assert client.get(reverse("calculator:index")).status_code == 302


def test_login_rotates_the_session_key(client, alice, kemerovo):
    client.get(reverse("accounts:login"))
    client.session["probe"] = 1
    before = client.session.session_key
    post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert client.session.session_key != before
