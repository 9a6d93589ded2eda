"""Customer lists for spreadsheets: safe to open, the same bytes every run, named by language.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``). Following
OWASP's CSV-injection guidance, such text cells get a leading apostrophe in CSV and are written as
text (never formulas) in xlsx. Numbers stay numbers: ``-3.5`` in a numeric column is not touched.
Files are written to a temporary name and moved into place, so a reader never sees half a file; the
xlsx carries fixed creation metadata so two runs give byte-identical workbooks.
"""
from __future__ import annotations

import datetime as _dt
import os
import tempfile
from pathlib import Path

import pandas as pd

from crmcore.labels import check_lang

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_FIXED_TIME = _dt.datetime(2000, 1, 1)


def neutralise_text(v):
    """``v`` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(v, str) and v.startswith(DANGEROUS):
        return "'" + v
    return v


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and headers and index labels) cannot start a formula."""
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col)
                or pd.api.types.is_bool_dtype(col)):
            out[c] = col.map(neutralise_text)
    out.columns = [neutralise_text(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(neutralise_text)
    return out


def export_name(stem: str, lang: str = "en") -> str:
    """The file stem for ``lang``: ``stem`` in English, ``stem-zh`` in Chinese (as the HTML reports)."""
    check_lang(lang)
    return stem if lang == "en" else f"{stem}-{lang}"


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(frame: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """CSV in UTF-8 with BOM (Excel opens Chinese intact), formula-like text neutralised."""
    safe = neutralise(frame)
    return _atomic(Path(path), lambda tmp: safe.to_csv(tmp, index=index, encoding="utf-8-sig"))


def write_xlsx(frame: pd.DataFrame, path: str | Path, *, index: bool = False, sheet: str = "customers") -> Path:
    """An xlsx whose text cells are text (never formulas), with fixed metadata (byte-identical reruns)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    safe = neutralise(frame.reset_index() if index else frame)

    def write(tmp):
        wb = Workbook()
        ws = wb.active
        ws.title = sheet[:31]
        ws.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        for cells in ws.iter_rows(min_row=1):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even when it looks like a formula
        for i, c in enumerate(safe.columns, start=1):
            width = max([len(str(c))] + [len(str(v)) for v in safe.iloc[:200, i - 1].tolist()]) + 2
            ws.column_dimensions[get_column_letter(i)].width = min(width, 40)
        ws.freeze_panes = "A2"
        wb.properties.creator = "crmcore"
        wb.properties.created = _FIXED_TIME
        wb.properties.modified = _FIXED_TIME
        wb.save(tmp)
        _fix_zip_times(tmp)

    return _atomic(Path(path), write)


def _cell(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


def _fix_zip_times(path: str) -> None:
    """Rewrite the zip with one fixed timestamp per member (zip headers otherwise carry the clock)."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def export_frame(frame: pd.DataFrame, out_dir: str | Path, stem: str, *, lang: str = "en",
                 formats: tuple[str, ...] = ("csv", "xlsx"), index: bool = False) -> list[Path]:
    """Write ``frame`` as ``<out_dir>/<stem>[-zh].csv`` and ``.xlsx``; returns the paths written."""
    out_dir = Path(out_dir)
    name = export_name(stem, lang)
    paths = []
    for f in formats:
        if f == "csv":
            paths.append(write_csv(frame, out_dir / f"{name}.csv", index=index))
        elif f == "xlsx":
            paths.append(write_xlsx(frame, out_dir / f"{name}.xlsx", index=index))
        else:
            from crmcore.errors import ParameterError

            raise ParameterError(f"export format {f!r} is not supported; use 'csv' or 'xlsx'.")
    return paths
