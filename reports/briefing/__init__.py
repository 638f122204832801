"""The quarterly briefing (季度通报): a text written from the engine's numbers,
shown as a page and written as a Word document.

``document`` holds the briefing's plain shape, shared by what composes it and
what renders it (page, .docx); nothing here recomputes a number the engine
already gives.
"""
