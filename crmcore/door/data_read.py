"""Reading a transactions file into the engine: CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030, a mix refused
with line numbers), Excel (the sheet that holds the data), Parquet, or a DataFrame registered without copying.

Each reader gives a raw relation in DuckDB (:class:`_Source`) that :mod:`crmcore.door.data_validate` types
and checks; the SQL plumbing the door shares (``_q``, ``_lit``, ``_con``) lives here too.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import itertools
import re
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.door.data_schema import CHINESE_NAMES, _canon_name
from crmcore.errors import DataError, ParameterError

_names = itertools.count()


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file, for report headers (which exact data produced this?)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- SQL plumbing shared by the door
def _q(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + str(name).replace('"', '""') + '"'


def _lit(value: Any) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _con():
    from crmcore import engine

    return engine.backend().con


# ---------------------------------------------------------------- reading files into the engine
@dataclass
class _Source:
    """A raw relation in DuckDB (a view over the file or the registered frame) and how to name its rows."""

    view: str
    name: str
    from_file: bool
    columns: list[str]
    types: dict[str, str]
    cleanup: list[Any]
    index: Any = None  # the DataFrame's index (row labels in messages)
    csv: tuple | None = None  # (file read, read_csv options) of a CSV: lets the door re-read it with types

    def close(self) -> None:
        con = _con()
        for item in self.cleanup:
            try:
                if isinstance(item, Path):
                    item.unlink(missing_ok=True)
                elif isinstance(item, tuple) and item[0] == "unregister":
                    con.unregister(item[1])
                else:
                    con.execute(f"DROP VIEW IF EXISTS {_q(item)}")
            except Exception:  # cleanup must never hide the real error
                pass
        self.cleanup = []


def _describe(view: str) -> tuple[list[str], dict[str, str]]:
    rows = _con().execute(f"DESCRIBE {_q(view)}").fetchall()
    return [r[0] for r in rows], {r[0]: str(r[1]).upper() for r in rows}


def _from_frame(df: pd.DataFrame, name: str, from_file: bool, cleanup: list | None = None) -> _Source:
    con = _con()
    frame = df
    renames = {c: str(c).strip() for c in df.columns if not isinstance(c, str) or c != str(c).strip()}
    tz = [c for c in df.columns if isinstance(df[c].dtype, pd.DatetimeTZDtype)]
    if renames or tz or not isinstance(df.index, pd.RangeIndex):
        # a shallow copy (copy-on-write: no data copied) with string names and naive local times
        frame = df.rename(columns=renames).reset_index(drop=True)
        for c in tz:
            frame[renames.get(c, c)] = frame[renames.get(c, c)].dt.tz_localize(None)
    mixed = [c for c in frame.columns if frame[c].dtype == object
             and pd.api.types.infer_dtype(frame[c], skipna=True) not in ("string", "empty", "boolean")]
    if mixed:
        # object columns holding several Python types (ids as 1 and "A7"): text, as a file would give them
        frame = frame.assign(**{c: frame[c].astype("str").where(frame[c].notna()) for c in mixed})
    if frame.columns.duplicated().any():
        dup = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DataError(f"{name} has the column name(s) {', '.join(map(repr, dup))} more than once. "
                        "Rename one of them before loading.")
    view = f"crm_door_src_{next(_names)}"
    con.register(view, frame)
    cols, types = _describe(view)
    return _Source(view, name, from_file, cols, types, [("unregister", view), *(cleanup or [])], df.index)


def _open_source(path: Path, *, encoding, sep, sheet, header_names, needed, mapping) -> _Source:
    name = str(path)
    if path.is_dir():
        inside = sorted(p.name for p in path.iterdir() if p.suffix.lower() in (".csv", ".gz", ".xlsx", ".parquet"))[:5]
        hint = f" (files in it: {', '.join(inside)})" if inside else ""
        raise DataError(f"{path} is a folder, not a data file{hint}. Pass the path of one CSV, .xlsx or "
                        "Parquet file inside it.")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes). Export the data again.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _from_frame(_read_excel(path, sheet, needed, mapping), name, True)
    if suffix == ".parquet":
        return _read_parquet(path)
    if suffix in (".csv", ".txt", ".tsv", ".gz"):
        if suffix == ".gz":
            with open(path, "rb") as fh:
                if fh.read(2) != b"\x1f\x8b":
                    raise DataError(f"{path} ends in .gz but is not gzip-compressed. Rename it to .csv if it is "
                                    "plain text, or compress it again with gzip.")
        return _read_csv(path, encoding=encoding, sep=sep, header_names=header_names)
    raise DataError(f"{path}: unknown file type {path.suffix!r}; use .csv, .xlsx or .parquet.")


def _read_parquet(path: Path) -> _Source:
    con = _con()
    view = f"crm_door_src_{next(_names)}"
    try:
        con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT * FROM read_parquet({_lit(path.as_posix())})")
        cols, types = _describe(view)
    except Exception as e:  # duckdb.IOException / InvalidInputException: not a Parquet file
        con.execute(f"DROP VIEW IF EXISTS {_q(view)}")
        first = str(e).splitlines()[0][:200]
        raise DataError(f"{path} is not a readable Parquet file ({first}). Write it again "
                        "(e.g. DataFrame.to_parquet), or export the data as CSV.") from e
    return _Source(view, str(path), True, cols, types, [view])


def _opener(path: Path):
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


def _head(path: Path, n: int = 1 << 16) -> bytes:
    with _opener(path) as fh:
        return fh.read(n)


def _read_csv(path: Path, *, encoding: str | None, sep: str | None, header_names: list[str] | None) -> _Source:
    head = _head(path)
    enc = (encoding or "").lower().replace("_", "-")
    cleanup: list[Any] = []
    regex_sep = sep is not None and len(sep) > 1 and sep not in ("\\t",)
    target = path
    if enc in ("", "utf-8", "utf8", "utf-8-sig"):
        if not encoding and head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise DataError(f"{path}: the text is neither UTF-8 nor GBK/GB18030. It starts with a UTF-16 "
                            "byte-order mark: pass encoding='utf-16' (or save it as UTF-8 CSV).")
        utf8_head = _is_utf8(head)
        if encoding or utf8_head:
            duck_enc = "utf-8"
        else:
            duck_enc = None  # GBK/GB18030 or mixed: the streaming pass decides
    elif enc in ("utf-16", "utf-16le", "utf-16be", "latin-1", "latin1"):
        duck_enc = {"latin1": "latin-1"}.get(enc, enc)
    else:
        duck_enc = None
    if regex_sep:
        # a regular-expression separator (CDNOW's runs of spaces): rewritten as commas in one pass
        target = _rewrite_separator(path, sep, duck_enc or encoding or "gb18030")
        cleanup.append(target)
        duck_enc, sep = "utf-8", ","
    if duck_enc is None:
        target = _transcode(path, encoding)
        cleanup.append(target)
        duck_enc = "utf-8"
    try:
        return _csv_view(target, path, duck_enc, sep, header_names, cleanup)
    except _BadUnicode:
        if encoding:
            raise DataError(f"{path}: the text is not {encoding} (DuckDB found invalid bytes). "
                            "Pass the file's real encoding=..., or save it as UTF-8 CSV.") from None
        # valid UTF-8 at the start, not further on: GBK further down, or a mix of the two
        target = _transcode(path, None)
        cleanup.append(target)
        return _csv_view(target, path, "utf-8", sep, header_names, cleanup)


class _BadUnicode(Exception):
    pass


def _csv_view(target: Path, path: Path, enc: str, sep: str | None, header_names, cleanup) -> _Source:
    con = _con()
    opts = [f"encoding={_lit(enc)}", "all_varchar=true", "quote='\"'", "escape='\"'"]
    opts.append("header=false" if header_names else "header=true")
    if header_names:
        opts.append("names=[" + ", ".join(_lit(n) for n in header_names) + "]")
    if sep:
        opts.append(f"delim={_lit(sep)}")
    view = f"crm_door_src_{next(_names)}"
    sql = f"CREATE TEMP VIEW {_q(view)} AS SELECT * FROM read_csv({_lit(target.as_posix())}, {', '.join(opts)})"
    try:
        con.execute(sql)
        cols, types = _describe(view)
    except Exception as e:
        con.execute(f"DROP VIEW IF EXISTS {_q(view)}")
        raise _csv_error(e, path) from e
    return _Source(view, str(path), True, cols, types, [view, *cleanup], csv=(target, opts))


def _csv_error(e: Exception, path: Path) -> Exception:
    msg = str(e)
    if "unicode" in msg.lower() or "utf-8" in msg.lower() or "encoding" in msg.lower():
        return _BadUnicode(msg)
    first = msg.splitlines()[0][:300]
    return DataError(f"{path} could not be parsed as CSV ({first}). Check the separator (sep=..., also in the "
                     f"{path.name}.mapping.yaml file) and quoting.")


def _is_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _rewrite_separator(path: Path, sep: str, encoding: str) -> Path:
    """Runs of a regular-expression separator (e.g. ``\\s+``) become commas, in a UTF-8 temp file."""
    pattern = re.compile(sep)
    out = Path(tempfile.mkstemp(prefix="crm_door_", suffix=".csv")[1])
    enc = "utf-8" if encoding in ("utf-8", "utf8", "utf-8-sig") else encoding
    with _opener(path) as raw, open(out, "w", encoding="utf-8", newline="\n") as fo:
        text = codecs.getreader(enc)(raw)
        for line in text:
            line = line.strip()
            if line:
                fo.write(",".join(pattern.split(line)) + "\n")
    return out


#: bytes read per step of the streaming pass (chunks end at a line end)
_CHUNK = 1 << 23


def _lines(chunk: bytes, line0: int) -> tuple[int, list[int], int, list[int]]:
    """Classify the lines of ``chunk`` with numpy: (how many non-ASCII lines are valid UTF-8, the first ten
    of them, how many lines are not UTF-8, the first ten of them). Line numbers count from ``line0``.

    Only the non-ASCII bytes are looked at: in UTF-8 each lead byte is followed, at the very next
    positions, by exactly the continuation bytes it announces (overlong forms are not checked)."""
    a = np.frombuffer(chunk, np.uint8)
    pos = np.flatnonzero(a >= 0x80)
    if not len(pos):
        return 0, [], 0, []
    v = a[pos]
    cont = (v & 0xC0) == 0x80
    l2, l3, l4 = (v >= 0xC2) & (v <= 0xDF), (v & 0xF0) == 0xE0, (v >= 0xF0) & (v <= 0xF4)
    m = len(pos)
    expect = np.zeros(m, bool)
    complete = ~(l2 | l3 | l4)
    for r, lead in ((1, l2 | l3 | l4), (2, l3 | l4), (3, l4)):
        if m > r:
            adj = pos[r:] - pos[:-r] == r          # the byte r places on is non-ASCII too
            expect[r:] |= lead[:-r] & adj
    for r, lead in ((1, l2), (2, l3), (3, l4)):
        ok = np.zeros(m, bool)
        if m > r:
            ok[:-r] = pos[r:] - pos[:-r] == r
        complete |= lead & ok
    bad = (cont != expect) | ~complete | ~(cont | l2 | l3 | l4)
    nl = np.flatnonzero(a == 10)

    def line_set(p):
        idx = np.searchsorted(nl, p)
        return idx[np.r_[True, idx[1:] != idx[:-1]]] if len(idx) else idx

    bad_lines = line_set(pos[bad])
    good_lines = np.setdiff1d(line_set(pos), bad_lines, assume_unique=True)
    return (len(good_lines), (good_lines[:10] + line0).tolist(), len(bad_lines), (bad_lines[:10] + line0).tolist())


def _transcode(path: Path, encoding: str | None) -> Path:
    """Stream ``path`` into a UTF-8 temp file, decoding GBK/GB18030 (or ``encoding``).

    With no encoding given, every line that is not pure ASCII is classified as UTF-8 or not (numpy,
    chunk by chunk): a file that mixes UTF-8 lines with GBK lines is refused with the line numbers of
    the minority, rather than read as mojibake (鍗庝笢 for 华东). The decoding itself runs in the
    system's ``iconv`` when there is one (C speed, one pass), else in Python chunk by chunk.
    """
    import shutil

    out = Path(tempfile.mkstemp(prefix="crm_door_", suffix=".csv")[1])
    codec = encoding or "gb18030"
    seen = {"utf8": [0, []], "other": [0, []]}   # per kind: lines counted, first line numbers
    iconv = shutil.which("iconv")
    proc = None
    line0, rest, first = 1, b"", True
    try:
        with _opener(path) as fh, open(out, "wb") as fo:
            if iconv:
                proc = subprocess.Popen([iconv, "-f", codec.upper(), "-t", "UTF-8"], stdin=subprocess.PIPE,
                                        stdout=fo, stderr=subprocess.PIPE)
            while True:
                block = fh.read(_CHUNK)
                data = rest + block
                if not data:
                    break
                cut = data.rfind(b"\n") + 1 if block else len(data)
                if cut == 0:
                    rest = data
                    continue
                chunk, rest = data[:cut], data[cut:]
                if first and chunk.startswith(b"\xef\xbb\xbf"):
                    chunk = chunk[3:]
                first = False
                if not encoding and not chunk.isascii():
                    n_ok, ok, n_bad, bad = _lines(chunk, line0)
                    for kind, n, lines in (("utf8", n_ok, ok), ("other", n_bad, bad)):
                        seen[kind][0] += n
                        seen[kind][1].extend(lines[:10 - len(seen[kind][1])])
                if proc is not None:
                    if proc.poll() is None:
                        try:
                            proc.stdin.write(chunk)
                        except BrokenPipeError:
                            pass  # iconv stopped at bytes it cannot decode: reported below
                else:
                    fo.write(_decode(chunk, codec, path, line0).encode("utf-8"))
                line0 += chunk.count(b"\n")
                if not block:
                    break
            failed = ""
            if proc is not None:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
                err = proc.stderr.read().decode(errors="replace")
                if proc.wait() != 0:
                    failed = err.strip()[:200]
    except BaseException:
        if proc is not None and proc.poll() is None:
            proc.kill()
        out.unlink(missing_ok=True)
        raise
    (n_utf8, utf8_lines), (n_other, other_lines) = seen["utf8"], seen["other"]
    if failed and not (n_utf8 and n_other):
        out.unlink(missing_ok=True)
        raise DataError(f"{path}: the text is neither UTF-8 nor {codec.upper()} (iconv: {failed}). "
                        "Save it as UTF-8 CSV or pass encoding=... .")
    if encoding:
        return out
    if n_utf8 and n_other:
        out.unlink(missing_ok=True)
        if n_other >= n_utf8:
            raise DataError(f"{path} mixes encodings: it is GBK/GB18030, but {n_utf8:,} line(s) are UTF-8 "
                            f"(lines {', '.join(map(str, utf8_lines))}). Save the whole file in one encoding "
                            "(UTF-8 CSV), or re-export those lines.")
        raise DataError(f"{path} mixes encodings: it is UTF-8, but {n_other:,} line(s) are not "
                        f"(lines {', '.join(map(str, other_lines))}; they look like GBK/GB18030). Save the "
                        "whole file in one encoding (UTF-8 CSV), or re-export those lines.")
    if n_other:
        warnings.warn(f"{path.name} is not UTF-8; read it as GBK/GB18030 (Chinese Excel export).", stacklevel=5)
    return out


def _decode(chunk: bytes, codec: str, path: Path, line0: int) -> str:
    try:
        return chunk.decode(codec)
    except UnicodeDecodeError as e:
        line = line0 + chunk.count(b"\n", 0, e.start)
        hint = " It looks like UTF-16: pass encoding='utf-16'." if b"\x00" in chunk[:200] else ""
        raise DataError(f"{path}: the text is neither UTF-8 nor GBK/GB18030 (line {line}: {e.reason}).{hint} "
                        "Save it as UTF-8 CSV or pass encoding=... .") from None
    except LookupError:
        raise ParameterError(f"encoding={codec!r} is not an encoding Python knows; use e.g. 'utf-8', 'gbk', "
                             "'gb18030', 'utf-16' or 'latin-1'.") from None


def _read_excel(path: Path, sheet: Any, needed: set[str], mapping: Mapping[str, str]) -> pd.DataFrame:
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() != ".xls":
        raise DataError(f"{path} is a password-protected (encrypted) workbook, or an old .xls saved as .xlsx. "
                        "Open it in Excel, remove the password (File → Info → Protect Workbook) and save it as "
                        ".xlsx or UTF-8 CSV.")
    try:
        sheets = pd.read_excel(path, sheet_name=None if sheet is None else sheet, dtype=str)
    except ValueError as e:
        raise DataError(f"{path}: {e}. Pass sheet= with one of the workbook's sheet names.") from e
    except ImportError as e:
        raise DataError(f"{path} is an old Excel (.xls) workbook, which needs the xlrd package. Save it as .xlsx "
                        "or UTF-8 CSV in Excel.") from e
    except Exception as e:  # a broken workbook: openpyxl raises many types
        raise DataError(f"{path} could not be read as an Excel workbook ({type(e).__name__}: {e}). "
                        "Open it in Excel and save it again as .xlsx or UTF-8 CSV.") from e
    if sheet is not None:
        return sheets

    def cols(df):
        return {_canon_name(CHINESE_NAMES.get(c, mapping.get(c, c))) for c in df.columns.astype(str)}

    good = [name for name, df in sheets.items() if needed <= cols(df)]
    first = next(iter(sheets))
    if len(good) > 1:
        heads = {tuple(map(str, sheets[g].columns)) for g in good}
        names = ", ".join(map(repr, good))
        if len(heads) > 1:
            raise DataError(f"{path}: sheets {names} all hold transactions, with different columns. Pass "
                            "sheet='name' to read one, or make their columns the same to read them as one table.")
        warnings.warn(f"{path.name}: the rows continue over sheets {names} with the same columns; read them as one "
                      f"table ({sum(len(sheets[g]) for g in good):,} rows). Pass sheet='name' to read only one.",
                      stacklevel=4)
        return pd.concat([sheets[g] for g in good], ignore_index=True)
    if first in good:
        return sheets[first]
    if len(good) == 1:
        warnings.warn(f"{path.name}: the data are on sheet {good[0]!r}, not the first sheet {first!r}; "
                      f"reading {good[0]!r} (pass sheet={good[0]!r} to say so).", stacklevel=4)
        return sheets[good[0]]
    desc = "; ".join(f"{n!r}: {', '.join(map(str, d.columns[:8])) or 'empty'}" for n, d in sheets.items())
    raise DataError(f"{path}: no sheet has the columns {', '.join(sorted(needed))} (sheets found — {desc}). "
                    "Pass sheet='name' and mapping={'your column': 'customer_id', ...}.")


def _first_line(path: Path) -> str:
    with _opener(path) as fh:
        return fh.readline().decode("utf-8", errors="replace").strip()
