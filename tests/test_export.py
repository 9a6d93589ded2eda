"""crm.export_frame: formula-safe CSV and xlsx, the same bytes every run, the language in the name."""
from __future__ import annotations

import zipfile

import pandas as pd

from crmcore.export import export_frame

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "plain"]


def test_exports_are_byte_identical_across_runs_and_carry_the_language(tmp_path):
    frame = pd.DataFrame({"customer_id": HOSTILE, "revenue": [1.5, -2.0, 3, 4, 5, 6]})
    a = export_frame(frame, tmp_path / "a", "customers", lang="zh")
    b = export_frame(frame, tmp_path / "b", "customers", lang="zh")
    assert [p.name for p in a] == ["customers-zh.csv", "customers-zh.xlsx"]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name
    with zipfile.ZipFile(a[1]) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2000-01-01" in core


def test_formula_like_text_is_neutralised_and_numbers_stay_numbers(tmp_path):
    from openpyxl import load_workbook

    frame = pd.DataFrame({"customer_id": HOSTILE, "revenue": [1.5, -2.0, 3, 4, 5, 6]})
    csv, xlsx = export_frame(frame, tmp_path, "c")
    text = csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+cmd" in text and "'@SUM" in text and "'-2+3" in text and "\n-2.0" not in text
    assert ",-2.0" in text  # a negative number is a number, not a formula
    ws = load_workbook(xlsx).active
    values = [c.value for c in ws["A"][1:]]
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "@", "-"))) for v in values)
    assert [c.data_type for c in ws["A"][1:]] == ["s"] * len(HOSTILE)
