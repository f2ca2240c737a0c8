"""Watermarked spreadsheets: every export Baton hands out as xlsx is written here.

Each sheet starts with the watermark line (who, 工号, when, export number), repeats it in the
printed header and footer, and the file's properties carry the exporter and the number, so a
leaked file points back to its export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol


class Mark(Protocol):
    @property
    def number(self) -> str: ...

    @property
    def employee_no(self) -> str: ...

    @property
    def moment(self) -> dt.datetime: ...

    @property
    def local(self) -> str: ...

    @property
    def line(self) -> str: ...

    @property
    def metadata(self) -> str: ...


def safe_cell(value: Any) -> Any:
    """Cells that a spreadsheet would run as a formula are written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def watermarked_xlsx(
    *,
    mark: Mark,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    title: str,
    subject: str,
    keyword: str,
) -> bytes:
    """An xlsx file of ``(sheet title, headers, rows)`` sheets, watermarked with ``mark``."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Font

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    banner = mark.line.replace("&", "&&")
    for sheet_title, headers, rows in sheets:
        sheet = workbook.create_sheet(sheet_title)
        sheet.append([mark.line])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 2))
        sheet["A1"].font = Font(bold=True, color="C00000")
        sheet.append(list(headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
        sheet.freeze_panes = "A3"
        sheet.print_title_rows = "1:2"
        sheet.oddHeader.center.text = banner
        sheet.oddFooter.center.text = banner
        sheet.oddFooter.right.text = "&P / &N"
    props = workbook.properties
    props.creator = mark.employee_no
    props.lastModifiedBy = mark.employee_no
    props.title = f"{title} {mark.number}"
    props.subject = subject
    props.keywords = f"{keyword} {mark.number} {mark.employee_no}"
    props.description = mark.metadata
    props.identifier = mark.number
    props.category = "内部资料 confidential"
    props.created = mark.moment.astimezone(dt.UTC).replace(tzinfo=None)
    props.modified = props.created
    for name, value in (
        ("BatonExportNumber", mark.number),
        ("BatonExporter", mark.employee_no),
        ("BatonExportedAt", mark.local),
    ):
        workbook.custom_doc_props.append(StringProperty(name=name, value=value))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
