"""T-Bank's token: SHA-256 over the root-level values, sorted by key, with the password."""

import hashlib
import hmac


def token(fields: dict, password: str) -> str:
    """Token of a message: nested objects and the Token itself are not signed."""
    values = {
        key: value
        for key, value in fields.items()
        if key != "Token" and not isinstance(value, dict | list)
    }
    values["Password"] = password
    joined = "".join(_text(values[key]) for key in sorted(values))
    return hashlib.sha256(joined.encode()).hexdigest()


def verify(fields: dict, password: str) -> bool:
    # As bytes: compare_digest raises TypeError on a non-ASCII str (issue 23).
    return hmac.compare_digest(
        str(fields.get("Token", "")).encode(), token(fields, password).encode()
    )


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
