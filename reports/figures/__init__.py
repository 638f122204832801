"""Intake and bookkeeping of quarterly figures. Every write of a figure is
``services.record_figures``; ``changes`` holds what a write is made of (the
cells, its refusals, the ``ChangeSummary`` every path shows); ``quarters``
closes and reopens quarters; ``entry`` is the entry grid; ``imports`` reads
and compares an Excel file and ``uploads`` keeps an uploaded one until it is
confirmed; ``completeness`` and ``history`` read what was reported."""
