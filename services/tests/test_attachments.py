"""Files attached to a request: type by content, size limit, storage and who may download."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from services.models import Attachment, ServiceRequest
from services.tests.conftest import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, upload


def file_question(client, *files):
    return client.post(
        reverse("services:request_create", args=["question"]),
        {
            "topic": "question",
            "subject": "Документы",
            "text": "Прилагаю",
            "attachments": list(files),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("акт.pdf", PDF_BYTES, "application/pdf"),
        ("фото.JPG", JPEG_BYTES, "image/jpeg"),
        ("скан.jpeg", JPEG_BYTES, "image/jpeg"),
        ("схема.png", PNG_BYTES, "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_with_their_type_taken_from_the_content(
    alice_client, name, content, mime
):
    response = file_question(alice_client, upload(name, content, "application/octet-stream"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == name
    assert attachment.content_type == mime
    assert attachment.size == len(content)


def test_a_renamed_executable_is_refused_with_a_message_next_to_the_field(alice_client):
    response = file_question(alice_client, upload("счет.pdf", EXE_BYTES, "application/pdf"))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_attachments_error"' in text
    assert "Файл «счет.pdf» не является документом PDF, JPEG или PNG" in text
    assert 'value="Документы"' in text
    assert not ServiceRequest.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_whose_name_lies_about_its_content_is_refused(alice_client):
    response = file_question(alice_client, upload("photo.pdf", PNG_BYTES, "application/pdf"))
    assert (
        "Имя файла «photo.pdf» не соответствует его содержимому (PNG)." in response.content.decode()
    )
    assert not ServiceRequest.objects.exists()


def test_an_empty_file_is_refused(alice_client):
    response = file_question(alice_client, upload("empty.pdf", b""))
    assert response.status_code == 200
    assert not ServiceRequest.objects.exists()


def test_a_file_over_the_limit_is_stopped_by_the_upload_handler_and_named(
    alice_client, settings, monkeypatch
):
    from services import forms

    checked = []
    real_check = forms.check_attachment
    monkeypatch.setattr(
        forms, "check_attachment", lambda f: checked.append(f.name) or real_check(f)
    )
    settings.SERVICES_ATTACHMENT_MAX_BYTES = 1024
    big = PDF_BYTES + b"0" * 2048
    response = file_question(alice_client, upload("big.pdf", big), upload("ok.pdf", PDF_BYTES))
    text = response.content.decode()
    # The handler dropped the big file while reading the body: the form never saw its bytes.
    assert checked == ["ok.pdf"]
    assert 'id="id_attachments_error"' in text
    assert "Файл «big.pdf» больше 1,0\xa0КБ" in text
    assert not ServiceRequest.objects.exists()


def test_ten_megabytes_is_the_limit(alice_client):
    assert settings.SERVICES_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    exactly = PDF_BYTES + b"0" * (10 * 1024 * 1024 - len(PDF_BYTES))
    assert file_question(alice_client, upload("ten.pdf", exactly)).status_code == 302
    over = exactly + b"0"
    response = file_question(alice_client, upload("more.pdf", over))
    assert "Файл «more.pdf» больше 10,0\xa0МБ" in response.content.decode()
    assert ServiceRequest.objects.count() == 1


def test_the_form_check_on_size_holds_without_the_upload_handler(settings):
    from services.uploads import check_attachment

    settings.SERVICES_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(Exception, match="больше"):
        check_attachment(upload("a.pdf", PDF_BYTES))


def test_no_more_than_five_files(alice_client):
    files = [upload(f"{n}.pdf", PDF_BYTES) for n in range(6)]
    response = file_question(alice_client, *files)
    assert "Можно прикрепить не больше 5 файлов." in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_file_is_stored_under_media_root_with_a_random_name(alice_client):
    file_question(alice_client, upload("../../etc/passwd.pdf", PDF_BYTES))
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert "passwd" not in stored.name
    assert stored.suffix == ".pdf" and len(stored.stem) == 32
    assert stored.read_bytes() == PDF_BYTES


def test_the_owner_downloads_a_file_as_an_attachment_that_is_not_sniffed(
    alice_client, question_request
):
    attachment = question_request.attachments.get()
    response = alice_client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_staff_download_any_customers_file(client, stella, question_request):
    client.force_login(stella)
    attachment = question_request.attachments.get()
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_staff_member_without_the_permission_gets_a_404(client, question_request):
    from accounts.models import User

    clerk = User.objects.create_user(username="clerk", password="Clerk-2026-x", is_staff=True)
    client.force_login(clerk)
    attachment = question_request.attachments.get()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_an_anonymous_visitor_is_sent_to_login(client, question_request):
    attachment = question_request.attachments.get()
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_russian_file_name_survives_the_download(alice_client):
    file_question(alice_client, upload("Акт сверки.pdf", PDF_BYTES))
    response = alice_client.get(Attachment.objects.get().get_absolute_url())
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%90%D0%BA%D1%82%20%D1%81%D0%B2%D0%B5%D1%80%D0%BA%D0%B8.pdf"
    )
