"""The file's people and health: accounts (``users``), creating a file, logging in and
recovery (``auth``), company information (``company``), verify and restore
(``maintenance``) and reading the audit log (``audit``).
"""
