"""Tell an unreachable database apart from other database errors."""

from django.db import InterfaceError, OperationalError


def is_database_unavailable(exception: BaseException | None) -> bool:
    """True when the database cannot be reached (down, restarting, connection lost).

    Such errors get the «Сервис временно недоступен» page (503); Django drops the
    broken connection at the end of the request and the next one reconnects by
    itself once the database is back (CONN_HEALTH_CHECKS).
    """
    if not isinstance(exception, OperationalError | InterfaceError):
        return False
    text = str(exception).lower()
    markers = (
        "connection",
        "could not connect",
        "server closed",
        "terminating",
        "the database system",
        "unable to open database",
        "connection refused",
    )
    return isinstance(exception, InterfaceError) or any(marker in text for marker in markers)
