"""Intake and bookkeeping of quarterly figures: the one write path (services),
the entry grid, uploads, completeness and history."""
