"""Export a list view (its search, filters and sort, in the user's scope) to CSV or XLSX.

Every field of the type is a column, custom fields included, each written by its kind
(`Kind.export_values`): numbers, amounts and days stay numbers and days in a spreadsheet.
Rows are read in keyset batches with everything a row shows loaded per batch, so the cost
is a few queries per thousand rows. Text a spreadsheet would run as a formula (= + - @ at
the start) is neutralised: prefixed with an apostrophe in CSV, stored as text in XLSX.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app

from crm.records import lists

FORMATS = ("csv", "xlsx")
BATCH = 1000
_FORMULA_START = tuple("=+-@\t\r") + ("＝", "＋", "－", "＠")
_SPOOL = 8 * 1024 * 1024  # kept in memory up to this size, then in a temporary file


class TooMany(Exception):
    """The list matches more records than one export may hold."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


@dataclass
class Exported:
    file: object  # a binary file object positioned at the start
    rows: int
    mimetype: str


def max_rows() -> int:
    return int(current_app.config["CRM"]["EXPORT_MAX_ROWS"])


def columns(rtype) -> list:
    """The exported fields: every field of the type, then its custom fields."""
    return list(rtype.specs())


def records(rtype, user, lq: lists.ListQuery):
    """Every record of the list view, batch by batch (the list's own query and order)."""
    specs = columns(rtype)
    options = lists.load_options(rtype, rtype.model, specs)
    query = lists.ListQuery(filters=lq.filters, values=lq.values, q=lq.q, sort=lq.sort,
                            trash=lq.trash, cols=lq.cols)
    while True:
        batch, next_after = lists.page(rtype, user, query, limit=BATCH, options=options)
        if batch:
            yield batch
        if not next_after:
            return
        query.after = next_after


def rows(rtype, user, lq: lists.ListQuery):
    """The header row, then one row of cells per record."""
    specs = columns(rtype)
    yield ["ID", *(str(spec.label) for spec in specs)]
    for batch in records(rtype, user, lq):
        cells = [spec.kind.export_values(spec, batch) for spec in specs]
        for i, record in enumerate(batch):
            yield [record.id, *(column[i] for column in cells)]


def export(rtype, user, lq: lists.ListQuery, fmt: str) -> Exported:
    """The list view as a file; TooMany when it matches more than `max_rows()` records."""
    limit = max_rows()
    if lists.count(rtype, user, lq, cap=limit) > limit:
        raise TooMany(limit)
    writer = _write_xlsx if fmt == "xlsx" else _write_csv
    return writer(rows(rtype, user, lq), str(rtype.label_plural))


def neutralised(text: str) -> str:
    """Text a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return neutralised(str(value))


def _write_csv(table, _title: str) -> Exported:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text as it is."""
    out = tempfile.SpooledTemporaryFile(max_size=_SPOOL)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    count = -1
    for row in table:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    out.seek(0)
    return Exported(out, count, "text/csv; charset=utf-8")


def _write_xlsx(table, title: str) -> Exported:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    count = -1
    for row in table:
        cells = []
        for value in row:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if count < 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        count += 1
    out = tempfile.SpooledTemporaryFile(max_size=_SPOOL)
    book.save(out)
    out.seek(0)
    return Exported(out, count,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts (at most 31 characters, none of []:*?/\\)."""
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    return cleaned or "Export"
