import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(FileBackend):
    """Development mail: each message is kept as a file under var/mail/ and echoed."""

    def write_message(self, message):
        super().write_message(message)
        sys.stdout.write(message.message().as_string() + "\n" + "-" * 79 + "\n")
        sys.stdout.flush()
