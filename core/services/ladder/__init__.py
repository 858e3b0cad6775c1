"""The career ladder in the company file: saving a design (``saving``), copying it between
files as JSON or .xlsx (``io``) and the built-in Templates A and B (``templates``). The design
itself, as a value, is core/domain/ladder_design.py.
"""
