from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.throttle import is_admin_request


class PortalBackend(ModelBackend):
    """ModelBackend that also recognises an inactive account's right password.

    The login form can then tell an unconfirmed registration to confirm its
    e-mail instead of calling a right password wrong (and django-axes does not
    count it as a failure). Sessions still need an active user: `get_user`
    refuses inactive ones, so switching an account off ends its sessions.
    """

    def user_can_authenticate(self, user) -> bool:
        return True

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and "@" in username:
            user = self._by_email(username, password)
        else:
            user = super().authenticate(request, username=username, password=password, **kwargs)
        # /admin/ is for staff: a customer's right password is a failure there (issue 23).
        if user is not None and not user.is_staff and is_admin_request(request):
            return None
        return user

    def _by_email(self, email: str, password) -> object | None:
        """A login with "@" is a confirmed e-mail (issue 19): the one person with that
        address whose password it is (an address shared by several contracts' users
        works for each with their own password)."""
        candidates = get_user_model()._default_manager.filter(
            email__iexact=email, email_confirmed_at__isnull=False
        )
        matching = [user for user in candidates if user.check_password(password)]
        return matching[0] if len(matching) == 1 else None

    def get_user(self, user_id):
        # Every cabinet page needs the person's membership and its organisation's two-factor
        # rule (core.access): one query, not three. Only those: each joined table costs more
        # to compile than most pages save.
        # get(), not first(): no ORDER BY to compile on every request (bench/http_bench.py).
        users = get_user_model()._default_manager.select_related("membership__organisation")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if user.is_active else None
