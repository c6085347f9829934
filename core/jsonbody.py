"""The one reader of JSON request bodies from machines: the bank's notification and the
mock bank's API (issue 23, pen-test Medium 5).

A body over MAX_BYTES is refused before it is read; what json.loads accepts but
a database or a signature check chokes on is refused too: nesting deeper than
MAX_DEPTH (100 000 brackets were a RecursionError), NaN and infinities (`1e999`),
NUL characters and lone surrogates (PostgreSQL refuses them in jsonb and text).
Each refusal says why in a few words and has its HTTP status.
"""

import json
import math

from django.http import HttpRequest

MAX_BYTES = 64 * 1024
MAX_DEPTH = 8
EXCERPT_BYTES = 2048


class BadBody(Exception):
    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _refuse_constant(name: str):
    raise BadBody(f"{name} is not a number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise BadBody("number out of range")
    return number


def _check(value, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise BadBody("nested too deep")
    if isinstance(value, str):
        if "\x00" in value:
            raise BadBody("NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadBody("lone surrogate") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def read_body(request: HttpRequest) -> bytes:
    """The raw body, at most MAX_BYTES; a longer one is refused before it is read whole."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadBody("bad Content-Length") from None
    if declared > MAX_BYTES:
        raise BadBody("body over 64 KB", status=413)
    body = request.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise BadBody("body over 64 KB", status=413)
    return body


def parse_object(body: bytes) -> dict:
    """A JSON object whose every value a database and an HMAC can take; raises BadBody."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("not UTF-8") from None
    # Brackets are counted before parsing: deep nesting never reaches the recursive parser.
    if _depth(text) > MAX_DEPTH:
        raise BadBody("nested too deep")
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):
        raise BadBody("not JSON") from None
    if not isinstance(data, dict):
        raise BadBody("not a JSON object")
    _check(data)
    return data


def _depth(text: str) -> int:
    """The deepest bracket nesting, strings included (an over-estimate is only stricter)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def read_object(request: HttpRequest) -> dict:
    return parse_object(read_body(request))


def excerpt(body: bytes) -> str:
    """The first 2 KB of a refused body as storable text (no NUL, no surrogates)."""
    return body[:EXCERPT_BYTES].decode("utf-8", "replace").replace("\x00", "\ufffd")
