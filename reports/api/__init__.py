"""The read-only JSON API (``/api/v1/``), scoped like the pages."""
