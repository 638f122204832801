"""Password validators, as Django's, with the messages in Chinese.

Django 5.2 reworded the "too short" message (``%d`` instead of
``%(min_length)d``) and its zh-hans catalogue still carries only the old
wording, so a Chinese page showed the English sentence. The old wording is
still translated in Django's catalogue (and is English for English users).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
