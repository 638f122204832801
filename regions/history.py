"""The note every history row carries (django-simple-history's change
reason): how a change was made and, where given, why — "upload: <file name>",
a merge's reason. Its column holds 100 characters (on PostgreSQL a longer
value is an error, not a cut), while a file name or a reason may be longer:
the note is cut to fit, the full text staying where it was given (the
staged upload, the duplicate decision)."""

from __future__ import annotations

from simple_history.signals import pre_create_historical_record

NOTE_LENGTH = 100  # simple_history's history_change_reason, max_length


def history_note(text: str | None) -> str | None:
    """``text`` as a history row's note: at most ``NOTE_LENGTH`` characters,
    cut with "…" when longer."""
    if text is None or len(text) <= NOTE_LENGTH:
        return text
    return text[: NOTE_LENGTH - 1] + "…"


def _fit_note(sender, history_instance=None, **kwargs) -> None:
    if history_instance is not None:
        note = history_instance.history_change_reason
        history_instance.history_change_reason = history_note(note)


def connect_signals() -> None:
    """Every history row written one by one (a model's save or delete)."""
    pre_create_historical_record.connect(_fit_note, dispatch_uid="regions.history_note")
