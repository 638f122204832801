"""Excel files: reading and writing figure workbooks, the official report, table
exports. Below the figures services, above the engine."""
