"""Audit records for authentication and staff edits, wired to Django's and axes' signals."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.audit import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    record("login", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record("logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    record(
        "login.failed", request=request, user=None, username=str(credentials.get("username", ""))
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record("login.locked_out", request=request, user=None, username=str(username or ""),
           ip_address=ip_address)  # fmt: skip


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_staff_edit")
def _staff_edit(sender, instance: LogEntry, created, **kwargs):
    """Every change made in the admin, with who and what."""
    if not created:
        return
    action = {1: "staff.add", 2: "staff.change", 3: "staff.delete"}.get(
        instance.action_flag, "staff.edit"
    )
    record(
        action,
        user=instance.user,
        target=f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_id} {instance.object_repr}",
        change=instance.get_change_message(),
    )
