"""Reading an uploaded .xlsx as the zip package it is, before openpyxl loads it: where each sheet
lives, and cell references. Shared by the plan importer (tasks) and the report workbook
(reports), which both scan a workbook as a stream first; it lives in the lowest app."""

from __future__ import annotations

import posixpath
import zipfile

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


class SheetListTooLarge(ValueError):
    """The workbook's list of sheets is larger than the caller allows."""


def xlsx_sheet_parts(archive: zipfile.ZipFile, *, max_part_size: int) -> dict[str, str] | None:
    """{part path: sheet title} in workbook order, from workbook.xml and its relationships;
    None when the package has no list of sheets (not a workbook, or a broken one)."""
    from defusedxml import ElementTree

    names = set(archive.namelist())
    if not all(part in names for part in WORKBOOK_PARTS):
        return None
    if any(archive.getinfo(part).file_size > max_part_size for part in WORKBOOK_PARTS):
        raise SheetListTooLarge
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    titles: dict[str, str] = {}
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        sheet_path = targets.get(sheet.get(f"{NS_REL}id"))
        if sheet_path in names:
            titles[sheet_path] = sheet.get("name", "")
    return titles


def column_index(letters: str) -> int:
    """ "A" → 1, "Z" → 26, "AA" → 27."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index
