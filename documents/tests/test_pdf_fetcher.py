"""Issue 23 (Low 11): the PDF renderer reads only the portal's own static files."""

import pytest

from documents.pdf import RefusedURL, _local_fetcher, _stylesheet_path


def test_a_file_url_outside_the_static_files_is_refused():
    fetcher = _local_fetcher()
    for url in ("file:///etc/passwd", "file:///etc/../etc/hostname"):
        with pytest.raises(RefusedURL):
            fetcher(url)


def test_a_static_file_of_the_portal_is_read():
    response = _local_fetcher()(_stylesheet_path().as_uri())
    assert b"@page" in response.read() or response.status == 200


def test_the_network_is_refused():
    with pytest.raises(Exception):  # noqa: B017, PT011  weasyprint's own ValueError
        _local_fetcher()("http://127.0.0.1:9/")
