"""Rendered cabinet content, reused while the contract's data does not change.

A cabinet page spends most of its time building the same HTML from the same rows:
the customer opens «Лицевой счет» or a document list again and again, and their
data changes a few times a month. `contract_fragment` keeps a rendered fragment
under a key made of the contract, its `data_version` (moved by database triggers on
every write to what the pages show: core/dataversion.py), today's date (pages that
depend on the day) and the request's own parameters. Any write makes a new key, so
an entry is never stale; old entries just age out of the per-process cache.

Only what is the same for every visitor of a contract is cached: no CSRF token,
no CSP nonce, no messages (those stay in the live part of the page).
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe


def fragment_key(request: HttpRequest, name: str, *vary: object) -> str:
    contract = request.contract
    varying = hashlib.md5(repr(vary).encode(), usedforsecurity=False).hexdigest()
    day = timezone.localdate().isoformat()
    return f"page:{name}:{contract.pk}:{contract.data_version}:{day}:{varying}"


def contract_cached(
    request: HttpRequest,
    name: str,
    build: Callable[[], Any],
    *vary: object,
    using: str = "default",
):
    """What `build()` returns for this contract and `vary`, built once per data version.

    The value is pickled into the cache `using`: each request gets its own copy."""
    store = caches[using]
    key = fragment_key(request, name, *vary)
    value = store.get(key)
    if value is None:
        value = build()
        store.set(key, value)
    return value


def contract_fragment(
    request: HttpRequest, name: str, build: Callable[[], str], *vary: object
) -> SafeString:
    """The HTML `build()` returns for this contract and `vary`, built once per data version."""
    html = contract_cached(request, name, lambda: str(build()), *vary)
    # `build` returns rendered template output, already escaped.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
