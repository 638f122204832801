"""Account forms, styled for the project's Bootstrap pages."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordChangeForm


class AccountPasswordChangeForm(PasswordChangeForm):
    """Django's password change form (old password, new password twice,
    the validators of ``AUTH_PASSWORD_VALIDATORS``) with Bootstrap classes,
    so the template can render it field by field without repeating markup."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
