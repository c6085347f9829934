from django import forms


class NativeDateInput(forms.DateInput):
    """The browser's own date picker; it reads and sends ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
