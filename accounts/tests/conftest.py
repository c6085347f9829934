import pytest


@pytest.fixture(autouse=True)
def _each_request_commits(client, django_capture_on_commit_callbacks, monkeypatch):
    """Run on-commit callbacks (the e-mails) at the end of each test-client request.

    A test runs inside one transaction that never commits, so without this the
    mail queued with transaction.on_commit would never leave; in production it
    leaves when the service's transaction commits, before the response.
    """
    original = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    monkeypatch.setattr(client, "request", request)
