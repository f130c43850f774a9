"""Spreadsheet cell safety, shared by every export and import (import-export resources, the reports app and
units.importing).

A value that a spreadsheet would read as a formula or a control sequence (=, +, -, @, tab, CR at the start)
must never run. In an .xlsx file it is written as an explicit string cell with the quotePrefix style: Excel
and LibreOffice show it as text (and keep it text when the cell is edited), and the importer reads back the
original value, so an exported file imports back unchanged. CSV has no styles, so there the OWASP
apostrophe is prepended, and the importer removes an apostrophe that stands before such a character.

On import, a real formula cell is refused with the formula message, and so is a plain cell that starts like
a formula (it would run once saved as CSV); a cell marked as text (quotePrefix, or the apostrophe) is read
as its text.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TextCell(str):
    """A value that must be shown and read back as text exactly (written with quotePrefix)."""


class FormulaCell(str):
    """A cell that holds a real formula (its "=..." text, never its computed value)."""


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def as_text(value):
    """Marks a formula-looking string as text for the exporters; other values pass unchanged."""
    if looks_like_formula(value) and not isinstance(value, TextCell):
        return TextCell(value)
    return value


def safe_cell(value):
    """The value for a plain (style-less) cell: strings that could run as formulas get the apostrophe."""
    if looks_like_formula(value):
        return "'" + value
    return value


def xlsx_cell(ws, value):
    """A write-only cell for `ws`: a formula-looking string becomes a string cell with quotePrefix (shown
    as typed, never evaluated, read back unchanged); other values pass as they are."""
    if not looks_like_formula(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=str(value))
    cell.data_type = "s"  # openpyxl would otherwise take a leading "=" for a formula
    cell.quotePrefix = True
    return cell


def read_xlsx_cell(cell):
    """The value of an openpyxl (read-only) cell, with formulas and text-marked cells told apart."""
    value = cell.value
    if not isinstance(value, str):
        return value
    if cell.data_type == "f":
        return FormulaCell(value)
    style = getattr(cell, "style_array", None)
    if style is not None and style.quotePrefix:
        return TextCell(value)
    return read_text_cell(value)


def read_text_cell(value: str) -> str:
    """A CSV (or style-less) text: an apostrophe before a formula character marks the rest as text."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return TextCell(value[1:])
    return value
