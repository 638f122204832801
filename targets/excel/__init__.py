"""Excel for the plan, and what every Excel import shares.

The plan workbook: its format, reading (by sheet) and writing, one cell's
conversion and the problems found. Shared by every import: the checks an
uploaded .xlsx passes before any library parses it (``safety``) and reading
its values (``values``)."""
