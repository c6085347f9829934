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
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # /admin/ is for staff: a customer's right password is a failure there (issue 23).
        if user is not None and not user.is_staff and is_admin_request(request):
            return None
        return user

    def get_user(self, user_id):
        # Every cabinet page needs the person's membership (core.access): one query, not two.
        # Only that: each joined table costs more to compile than most pages save.
        user = (
            get_user_model()
            ._default_manager.select_related("membership")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and user.is_active else None
