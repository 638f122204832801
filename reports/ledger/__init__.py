"""The incubator ledger's services: identities (credit codes, names), the
writes, the counts the ledger gives the plan's indicators and goals, and the
yearly evaluation. Models are in ``reports.ledger_models``."""
