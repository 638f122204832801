"""The plan workbook: reading, writing, its cells and format, and the safety
checks every uploaded .xlsx passes first."""
