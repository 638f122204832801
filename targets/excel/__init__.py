"""Excel for the plan, and what every Excel import shares.

The plan workbook: ``format`` (sheets, columns, ``PlanSpec``), ``reading`` (the
entry point) over ``grid`` (the file opened as grids), ``list_sheets`` (计划,
指标, 区域) and ``annex_sheets`` (附件1, 附件2), ``cells`` (one cell's
conversion, the problems found), ``writing``. Shared by every import: the checks
an uploaded .xlsx passes before any library parses it (``safety``) and reading
its values (``values``)."""
