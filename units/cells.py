"""Spreadsheet cell safety, shared by every export (import-export resources and the reports app).

A value that a spreadsheet would read as a formula or a control sequence (=, +, -, @, tab, CR at the start)
is written as text: prefixed with an apostrophe, the OWASP-recommended neutraliser, so it shows as typed
and is never evaluated. Imports refuse such cells instead (units.importing).
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value):
    """The value to write into a cell: strings that could run as formulas become inert text."""
    if looks_like_formula(value):
        return "'" + value
    return value
