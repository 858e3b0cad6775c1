"""Writing spreadsheets people open in Excel or WPS: formula-safe cells (``xlsx_safety``)."""
