"""What the ledger's writes are refused with."""

from __future__ import annotations


class LedgerError(Exception):
    """A write refused for what the record says, or for the quarterly figures
    it would change; ``messages`` say why. Nothing of the write is kept."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]
