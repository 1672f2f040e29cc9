"""Writes tests/workbooks/debat.xls (Excel 97-2003), the workbook test_workbooks.py reads.
Made once with xlwt 1.3.0 (pip install xlwt==1.3.0; not a dependency of the project)."""

import datetime
import sys

import xlwt

wb = xlwt.Workbook(encoding="utf-8")
wb.add_sheet("Forklaring").write(0, 0, "Denne fane forklarer kolonnerne")
ws = wb.add_sheet("Data")
stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
rows = [
    ["id", "thread_id", "parent_id", "author", "created", "title", "text"],
    [1, "t", None, "Redaktionen", datetime.datetime(2024, 3, 1, 8, 0), "Flere socialrådgivere nu", None],
    [2, "t", 1, "Mette Ø", datetime.date(2024, 3, 1), None, "=SUM(A1) Det er jeg uenig i."],
    [],
    [3, "t", 2, "Åsa", datetime.datetime(2024, 3, 2, 9, 30), None, "Jag håller med, det saknas pengar."],
]
for r, row in enumerate(rows, start=1):  # row 1 (the sheet's first) left empty
    for c, v in enumerate(row):
        if v is None:
            continue
        style = (
            stamp
            if isinstance(v, datetime.datetime)
            else day
            if isinstance(v, datetime.date)
            else xlwt.Style.default_style
        )
        ws.write(r, c, v, style)
wb.save(sys.argv[1])
