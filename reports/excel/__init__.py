"""Excel files: reading and writing figure workbooks, the official report, table
exports. Below the figures services, above the engine.

Figure workbooks: ``figures_format`` (sheets, headers, ``PlanShape``),
``reading`` (the entry point, 说明 and the 填报 template) with ``long_sheet``
(数据) and ``figures_cells`` (what was read, one cell's rules); ``template`` and
``export`` write them. The report: ``report`` (annex sheets), ``report_charts``
(the chart sheet), ``report_cells`` (writing its cells). ``tables``: table
exports."""
