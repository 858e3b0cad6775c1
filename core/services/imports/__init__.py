"""Importing files: inspect → preview → commit → undo (``engine``), storing the facts of
store exports (``facts``), guessing whose store a file is (``owners``) and Tidui's own
.xlsx templates (``templates``) and the month's files in one drop (``month``).
"""
