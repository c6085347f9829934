"""The list and the page of a request, and who may see them."""

from django.urls import reverse

from services.tests.conftest import PDF_BYTES, upload
from services.workflow import change_status, file_request


def add_questions(contract, user, count):
    for n in range(count):
        file_request(
            contract, user, "question", {"topic": "question", "subject": f"Вопрос {n}", "text": "?"}
        )


def test_the_list_shows_the_contracts_requests_with_number_and_status(
    alice_client, question_request, bob_request
):
    text = alice_client.get(reverse("services:requests")).content.decode()
    assert question_request.number in text
    assert "Вопрос: Счет за октябрь" in text
    assert "принята" in text
    assert "Жалоба" not in text


def test_the_list_costs_the_same_queries_for_one_request_or_many(
    alice_client, alice, alice_contract, alice_meter, django_assert_num_queries
):
    file_request(
        alice_contract,
        alice,
        "meter",
        {
            "meter": alice_meter,
            "meter_action": "replacement",
            "text": "Неисправен",
            "preferred_date": "2030-01-01",
        },
    )
    url = reverse("services:requests")
    alice_client.get(url)
    # session, user with its contract, requests with their meters
    with django_assert_num_queries(4):
        assert alice_client.get(url).status_code == 200
    add_questions(alice_contract, alice, 10)
    with django_assert_num_queries(4):
        text = alice_client.get(url).content.decode()
    assert text.count("<tr>") == 12


def test_the_request_page_shows_its_history_with_staff_comments_and_files(
    alice_client, question_request, stella
):
    change_status(question_request, "in_progress", "Передано в расчетный отдел.", stella)
    text = alice_client.get(question_request.get_absolute_url()).content.decode()
    assert f"Заявка № {question_request.number}" in text
    assert "Почему сумма выросла?" in text
    assert "Заявка подана через личный кабинет." in text
    assert "Передано в расчетный отдел." in text
    assert text.index("принята</span>") < text.index("в работе</span></td>")
    assert "scan.pdf" in text
    assert question_request.attachments.get().get_absolute_url() in text


def test_the_request_page_costs_a_fixed_number_of_queries(
    alice_client, alice, alice_contract, stella, django_assert_num_queries
):
    service_request = file_request(
        alice_contract,
        alice,
        "question",
        {"topic": "question", "subject": "Тема", "text": "Текст"},
        [],
    )
    url = service_request.get_absolute_url()
    alice_client.get(url)
    with django_assert_num_queries(6):
        alice_client.get(url)
    for status in ("in_progress", "done", "in_progress"):
        change_status(service_request, status, "ok", stella)
    with django_assert_num_queries(6):
        alice_client.get(url)


def test_another_contracts_request_is_a_404(alice_client, bob_request):
    assert alice_client.get(bob_request.get_absolute_url()).status_code == 404


def test_another_contracts_attachment_is_a_404(alice_client, bob_request, question_request):
    bobs = bob_request.attachments.get()
    assert alice_client.get(bobs.get_absolute_url()).status_code == 404
    # Alice's own request id with Bob's attachment id is no way round it either.
    url = reverse("services:attachment", args=[question_request.pk, bobs.pk])
    assert alice_client.get(url).status_code == 404


def test_bob_cannot_reach_alices_request_or_file(bob_client, question_request):
    assert bob_client.get(question_request.get_absolute_url()).status_code == 404
    file_url = question_request.attachments.get().get_absolute_url()
    assert bob_client.get(file_url).status_code == 404


def test_the_index_links_every_service_of_the_cabinet_and_the_contact_centre(alice_client):
    text = alice_client.get(reverse("services:index")).content.decode()
    for name in (
        "payments:pay",
        "payments:list",
        "billing:account",
        "meters:readings",
        "documents:invoices",
        "documents:vat_invoices",
        "documents:corrections",
        "documents:reconciliation",
        "documents:consumption",
        "calculator:index",
        "accounts:settings",
        "services:notifications",
        "services:requests",
    ):
        assert f'href="{reverse(name)}"' in text, name
    for kind in ("meter", "reconciliation", "contacts", "question"):
        assert reverse("services:request_create", args=[kind]) in text
    assert 'href="tel:88003012555"' in text and "8 800 3012 555" in text


def test_the_index_shows_the_latest_requests(alice_client, question_request):
    text = alice_client.get(reverse("services:index")).content.decode()
    assert "Последние заявки" in text
    assert question_request.get_absolute_url() in text


def test_every_sub_page_keeps_the_section_highlighted(alice_client, question_request):
    for url in (
        reverse("services:requests"),
        reverse("services:request_new"),
        reverse("services:request_create", args=["meter"]),
        question_request.get_absolute_url(),
        reverse("services:notifications"),
    ):
        text = alice_client.get(url).content.decode()
        assert '<a href="/cabinet/services/" aria-current="page">Дополнительные услуги</a>' in text


def test_a_posted_file_stays_the_customers_own(alice_client, alice_contract):
    alice_client.post(
        reverse("services:request_create", args=["question"]),
        {
            "topic": "question",
            "subject": "S",
            "text": "T",
            "attachments": [upload("x.pdf", PDF_BYTES)],
        },
    )
    from services.models import Attachment

    assert Attachment.objects.get().request.contract == alice_contract


def test_the_index_costs_the_same_queries_for_one_request_or_many(
    alice_client, alice, alice_contract, django_assert_num_queries
):
    add_questions(alice_contract, alice, 1)
    url = reverse("services:index")
    alice_client.get(url)
    with django_assert_num_queries(4):
        alice_client.get(url)
    add_questions(alice_contract, alice, 8)
    with django_assert_num_queries(4):
        text = alice_client.get(url).content.decode()
    assert text.count("<tr>") == 6  # the header and the five latest
