"""Transactions in one canonical schema, validated once at the door, and cleaned with an audit.

Canonical columns (see ``data/README.md``):

required  customer_id, order_id, order_date, quantity, unit_price, amount
optional  product_id, product_name, category, channel, region, is_promo, list_price, payment, is_return

``amount`` is computed as quantity × unit_price when absent. Returns are lines with a negative
quantity and ``is_return`` true (the Online Retail preset marks invoices starting with "C").
``product_id`` is optional: RFM, lifecycle, churn and targets need none; methods by product
(ABC by product, BCG) say so when it is missing.

The door runs in the engine (embedded DuckDB): the file is read by DuckDB's own reader (CSV,
Parquet; Excel through pandas; a DataFrame is registered without copying), every column is
parsed and checked by one SQL pass that counts the offending rows, and only the few example
rows of an error message come back to Python. A CSV's number and ISO date columns are typed by
DuckDB's reader itself; a column whose typed read fails (units, 2024年3月5日, NULL) takes the text path. :func:`load_transactions` returns pandas by
default; ``lazy=True`` (or :func:`open_transactions`) returns the validated table as an Ibis
table that every engine-backed method accepts, so 10M lines never become Python objects.
"""
from __future__ import annotations

import codecs
import difflib
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

from crmcore.errors import DataError, ParameterError, data_error
from crmcore.labels import check_lang
from crmcore.results import Result

REQUIRED = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "amount"]
OPTIONAL = ["product_name", "category", "channel", "region", "is_promo", "list_price", "payment", "is_return"]
CANONICAL = REQUIRED + OPTIONAL
#: columns a file must have (``product_id`` may be absent: see :func:`require_product`)
NEEDED = ["customer_id", "order_id", "order_date"]
_STR_COLS = ["customer_id", "order_id", "product_id", "product_name", "category", "channel", "region", "payment"]
_NUM_COLS = ["quantity", "unit_price", "amount", "list_price"]
_BOOL_COLS = ["is_promo", "is_return"]
_TRUE = ("1", "true", "t", "yes", "y", "是", "对", "1.0")
_FALSE = ("0", "false", "f", "no", "n", "否", "", "0.0", "nan", "none")
_MISSING_TEXT = ("", "nan", "NaN", "None", "<NA>", "NULL", "null")

#: Online Retail (UCI 352): stock codes that are not products (postage, fees, adjustments)
ONLINE_RETAIL_NON_PRODUCT = ("POST", "DOT", "M", "m", "D", "C2", "S", "B", "CRUK", "PADS", "AMAZONFEE",
                             "BANK CHARGES")

PRESETS: dict[str, dict[str, Any]] = {
    "online_retail": {
        "mapping": {"InvoiceNo": "order_id", "StockCode": "product_id", "Description": "product_name",
                    "Quantity": "quantity", "InvoiceDate": "order_date", "UnitPrice": "unit_price",
                    "CustomerID": "customer_id", "Country": "region"},
        "return_prefix": "C",
        "invalid": "keep",
        "non_product": ONLINE_RETAIL_NON_PRODUCT,
    },
    "cdnow": {
        "mapping": {"customer_id": "customer_id", "date": "order_date", "number_of_cds": "quantity",
                    "dollar_value": "amount"},
        "sep": r"\s+",
        "date_format": "%Y%m%d",
        "invalid": "keep",
        "non_product": (),
    },
}

#: Chinese column names of analysts' own exports, mapped without being asked (first match wins per column)
CHINESE_NAMES: dict[str, str] = {
    "客户编号": "customer_id", "客户ID": "customer_id", "客户id": "customer_id", "客户号": "customer_id",
    "会员ID": "customer_id", "会员id": "customer_id", "会员编号": "customer_id", "会员号": "customer_id",
    "客户": "customer_id", "顾客编号": "customer_id", "用户ID": "customer_id", "用户id": "customer_id",
    "订单编号": "order_id", "订单号": "order_id", "单号": "order_id", "订单ID": "order_id", "订单id": "order_id",
    "下单日期": "order_date", "订单日期": "order_date", "交易日期": "order_date", "下单时间": "order_date",
    "交易时间": "order_date", "购买日期": "order_date", "日期": "order_date", "付款时间": "order_date",
    "商品编码": "product_id", "商品编号": "product_id", "商品ID": "product_id", "商品id": "product_id",
    "货号": "product_id", "SKU": "product_id",
    "商品名称": "product_name", "品名": "product_name", "类别": "category", "品类": "category",
    "商品类别": "category",
    "数量": "quantity", "件数": "quantity", "购买数量": "quantity",
    "单价": "unit_price", "成交单价": "unit_price", "售价": "unit_price",
    "实付金额": "amount", "金额": "amount", "销售额": "amount", "订单金额": "amount", "成交金额": "amount",
    "渠道": "channel", "销售渠道": "channel", "地区": "region", "区域": "region", "大区": "region",
    "省份": "region", "是否促销": "is_promo", "促销": "is_promo", "原价": "list_price", "吊牌价": "list_price",
    "支付方式": "payment", "付款方式": "payment", "是否退货": "is_return", "退货": "is_return",
}

#: the columns that make a file the raw UCI Online Retail export (Chen 2015)
_UCI_COLUMNS = {"InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"}

#: options a ``<file>.mapping.yaml`` sidecar may carry besides the column mapping
SIDECAR_OPTIONS = ("date_format", "dayfirst", "encoding", "sep", "sheet", "preset", "invalid")

#: date forms tried, in this order, on text that is not ISO 8601 (DuckDB strptime codes)
_DATE_FORMATS = [
    "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日%H:%M", "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d号", "%Y.%m.%d", "%Y.%m.%d %H:%M", "%Y.%m.%d %H:%M:%S",
    "%d %b %Y", "%d %B %Y", "%b %d %Y", "%b %d, %Y", "%B %d, %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y",
]
#: the forms left to strptime once 2024年3月5日, 2024/3/5 and 2024.03.05 have been rewritten as ISO text
_STRPTIME_FORMATS = ["%d %b %Y", "%d %B %Y", "%b %d %Y", "%b %d, %Y", "%B %d, %Y", "%B %d %Y", "%d-%b-%Y",
                     "%d-%b-%y"]
_MONTH_FIRST = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S"]
_DAY_FIRST = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d-%m-%Y"]
#: dates outside these years are refused as "not dates" (no year-0001 or year-9999 placeholders)
_YEARS = (1900, 2200)

_names = itertools.count()


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file, for report headers (which exact data produced this?)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _q(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + str(name).replace('"', '""') + '"'


def _lit(value: Any) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _con():
    from crmcore import engine

    return engine.backend().con


def _canon_name(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


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


# ---------------------------------------------------------------- typing and checking in the engine
_WS = "' ' || chr(9) || chr(12288)"  # space, tab, the full-width space of Chinese input methods


def _in(x: str, values) -> str:
    """SQL ``x IN values`` as a string search: DuckDB plans an IN list (and list_contains of constants)
    as a join over every row, even inside a CASE branch that few rows reach."""
    return f"contains({_lit('|' + '|'.join(values) + '|')}, '|' || {x} || '|')"


def _text_ok(c: str) -> str:
    """SQL: the text needs no trimming and is no missing-value marker (the common case, tested cheaply).

    Byte length first (O(1) in DuckDB; every marker is at most 4 bytes), then LIKE on the first and
    last character, which DuckDB runs as a prefix/suffix compare: half the cost of the tests it replaces.
    A tab or full-width space inside the text needs no test: the slow path trims spaces only, so it
    would return such text unchanged."""
    return f"(strlen({c}) > 4 AND {c} NOT LIKE ' %' AND {c} NOT LIKE '% ')"


def _date_stages(col: str, typ: str, date_format: str | None, dayfirst: bool) -> tuple[str, str]:
    """(stage-1 SQL on the source column, stage-2 SQL on the stage-1 result ``_d`` and the raw ``_r_d``).

    The cheap ISO cast runs on every row; the other forms only on the rows it leaves NULL."""
    c = _q(col)
    if typ == "DATE" or (typ.startswith("TIMESTAMP") and "TIME ZONE" not in typ):
        return f"CAST({c} AS TIMESTAMP)", "_d"
    if date_format:
        return f"CAST(try_strptime(trim(CAST({c} AS VARCHAR)), {_lit(date_format)}) AS TIMESTAMP)", "_d"
    if typ != "VARCHAR":
        c = f"CAST({c} AS VARCHAR)"
    # 2024年3月5日, 2024/3/5, 2024.03.05 (with or without a time) become ISO text; the rest by strptime
    norm = ("trim(replace(replace(replace(replace(replace(replace(replace(trim(_r_d), '年', '-'), '月', '-'), "
            "'日', ' '), '号', ' '), '/', '-'), '.', '-'), '  ', ' '))")
    forms = _STRPTIME_FORMATS + (_DAY_FIRST if dayfirst else _MONTH_FIRST)
    fallback = (f"coalesce(TRY_CAST({norm} AS TIMESTAMP), "
                f"CAST(try_strptime(trim(_r_d), [{', '.join(_lit(f) for f in forms)}]) AS TIMESTAMP))")
    if dayfirst:  # 05.03.2024 is day first: do not read 2024-style normalisations of it as anything else
        fallback = f"CAST(try_strptime(trim(_r_d), [{', '.join(_lit(f) for f in forms)}]) AS TIMESTAMP)"
        fallback = f"coalesce({fallback}, TRY_CAST({norm} AS TIMESTAMP))"
    return f"TRY_CAST({c} AS TIMESTAMP)", f"CASE WHEN _d IS NOT NULL THEN _d ELSE {fallback} END"


def _is_numeric(typ: str) -> bool:
    return typ.split("(")[0] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                 "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")


def _is_integer(typ: str) -> bool:
    return typ in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                   "UBIGINT")


def _missing_sql(c: str) -> str:
    return f"({c} IS NULL OR {_in(f'trim(CAST({c} AS VARCHAR))', _MISSING_TEXT)})"


def _number_stages(col: str, typ: str, n: str, r: str) -> tuple[str, str, str]:
    """(stage-1 value, stage-2 value from the stage-1 value ``n`` and the raw text ``r``, stage-2 is-missing).

    A plain number is cast once; only text the cast refuses is stripped of currency signs and
    thousands separators (also the full-width ，) and tried again."""
    c = _q(col)
    if _is_numeric(typ):
        v = f"CAST({c} AS BIGINT)" if _is_integer(typ) else f"CAST({c} AS DOUBLE)"
        return v, n, f"({n} IS NULL OR isnan(CAST({n} AS DOUBLE)))"
    if typ == "BOOLEAN":
        return f"CAST({c} AS DOUBLE)", n, f"({n} IS NULL)"
    text = f"trim(CAST({r} AS VARCHAR))"
    stripped = f"regexp_replace(replace(replace({text}, '（', '('), '）', ')'), '^[¥$£€]|[,，\\s]', '', 'g')"
    value = f"CASE WHEN isfinite({n}) THEN {n} ELSE TRY_CAST({stripped} AS DOUBLE) END"
    return f"TRY_CAST({c} AS DOUBLE)", value, f"(CASE WHEN isfinite({n}) THEN false ELSE {_missing_sql(r)} END)"


def _string_sql(col: str, typ: str, canon: str) -> tuple[str, str | None]:
    """(stage-1 SQL for a text column, stage-2 SQL on its stage-1 value or None)."""
    c = _q(col)
    if _is_integer(typ):
        return c, None  # integer ids keep their type
    if _is_numeric(typ):
        # a float id column (12346.0 because of empty cells) back to its integer text
        return (f"(CASE WHEN isnan({c}) THEN NULL WHEN {c} = floor({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({c} AS VARCHAR) END)"), None
    if typ != "VARCHAR":
        c = f"CAST({c} AS VARCHAR)"
    slow = f"(CASE WHEN {_in(f'trim({c})', _MISSING_TEXT)} THEN NULL ELSE trim({c}) END)"
    out = f"(CASE WHEN {_text_ok(c)} THEN {c} ELSE {slow} END)"
    if canon == "customer_id":
        v = _q(canon)
        return out, f"(CASE WHEN suffix({v}, '.0') THEN left({v}, length({v}) - 2) ELSE {v} END)"
    return out, None


def _bool_sql(col: str, typ: str) -> tuple[str, str]:
    c = _q(col)
    if typ == "BOOLEAN":
        return f"coalesce({c}, false)", "false"
    text = f"lower(trim(CAST({c} AS VARCHAR)))"
    return (f"coalesce({_in(text, _TRUE)}, false)",
            f"({c} IS NOT NULL AND NOT {_in(text, _TRUE)} AND NOT {_in(text, _FALSE)})")


def _resolve_columns(found: list[str], mapping: Mapping[str, str], name: str, from_file: bool,
                     explicit: bool) -> dict[str, str]:
    """canonical name → source column, after the mapping, canonical-looking names and Chinese names."""
    out: dict[str, str] = {}
    via: dict[str, str] = {}
    chinese = []
    for col in found:
        target = None
        if col in mapping:
            target, how = mapping[col], "mapping"
        elif _canon_name(col) in CANONICAL:
            target, how = _canon_name(col), "name"
        if target is None:
            continue
        if target in out:
            raise DataError(
                f"in {name}: the mapping makes two columns called {target!r} ({out[target]!r} and {col!r}). "
                f"Map only one of them to {target!r}: drop {col!r}: {target} from the mapping"
                + (f" (or from {Path(name).name}.mapping.yaml)" if from_file else "")
                + f", or map it to another canonical name. Columns found: {', '.join(found)}.")
        out[target], via[target] = col, how
    for col in found:
        target = CHINESE_NAMES.get(col)
        if target and target not in out and col not in mapping and col not in out.values():
            out[target] = col
            chinese.append(f"{col} → {target}")
    if chinese:
        print(f"Note: {Path(name).name if from_file else name}: Chinese column names recognised: {', '.join(chinese)}.")
    return out


@dataclass
class _Door:
    """A validated transactions table in the engine: the temp table, its canonical view and counts."""

    table: str
    view: str
    n: int
    duplicates: int
    meta: dict
    select: str


_LAZY: dict[str, dict] = {}  # canonical view name → metadata of the load (source, preset, duplicates)


def load_transactions(
    source: Any,
    *,
    mapping: Mapping[str, str] | None = None,
    preset: str | None = None,
    asof: Any = None,
    sheet: Any = None,
    encoding: str | None = None,
    sep: str | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    invalid: str | None = None,
    lazy: bool = False,
):
    """Read transactions into the canonical schema and validate them once, in the engine.

    Parameters
    ----------
    source : DataFrame, or path of a CSV (UTF-8, UTF-8 with BOM, UTF-16 with ``encoding=``,
        GBK/GB18030), .xlsx or .parquet file (``.csv.gz`` too).
    mapping : your column name → canonical name, e.g. ``{"CustomerID": "customer_id"}``. Chinese
        names (客户编号, 订单号, 下单日期, 金额 …) and a raw UCI Online Retail file are recognised.
    preset : ``"online_retail"`` (UCI Online Retail) or ``"cdnow"`` (CDNOW master or sample file).
    asof : snapshot instant; lines at or after it are "future" and rejected.
    sheet, encoding, sep, date_format, dayfirst : how the file is written; each may also be given in
        the ``<file>.mapping.yaml`` sidecar (an argument wins over the sidecar).
    invalid : ``"raise"`` (default) stops at content problems — non-positive prices, non-positive
        quantities not marked as returns, future dates, duplicate lines; ``"keep"`` keeps those rows
        (with a warning) for :func:`clean` to remove and count. Presets of public data default to "keep".
    lazy : False (default) returns a pandas DataFrame; True returns the validated table as an Ibis
        table in the engine (nothing is copied into Python), which every engine-backed method and
        :func:`clean` accept.

    Returns
    -------
    DataFrame (or Ibis table) with the canonical columns (required first), ``is_return`` always
    present, and ``attrs["crmcore"]`` recording the source, its hash and the preset.
    """
    if preset is not None and preset not in PRESETS:
        raise ParameterError(f"preset={preset!r} is unknown; use one of {', '.join(map(repr, PRESETS))}, or pass "
                             "mapping={'your column': 'canonical name', ...}.")
    if invalid not in (None, "raise", "keep"):
        raise ParameterError(f"invalid={invalid!r}: use 'raise' or 'keep'.")
    user_mapping = dict(mapping or {})
    opts = {"sheet": sheet, "encoding": encoding, "sep": sep, "date_format": date_format, "dayfirst": dayfirst,
            "preset": preset, "invalid": invalid}
    meta: dict[str, Any] = {}

    if isinstance(source, pd.DataFrame):
        name, from_file, path = "the DataFrame", False, None
        meta["source"] = "DataFrame"
        side_map: dict[str, str] = {}
    else:
        path = Path(source)
        name, from_file = str(path), True
        if not path.exists():
            near = difflib.get_close_matches(path.name, [p.name for p in path.parent.glob("*")] if path.parent.exists() else [], n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise DataError(f"file not found: {path} (working directory {Path.cwd()}).{hint}")
        side_map = sidecar_mapping(path) or {} if not path.is_dir() else {}
        side_opts = sidecar_options(path) if not path.is_dir() else {}
        for k, v in side_opts.items():
            if opts.get(k) is None:  # an explicit argument wins over the file's sidecar
                opts[k] = v
        if side_map or side_opts:
            meta["mapping_file"] = f"{path}.mapping.yaml"
        if opts["preset"] is not None and opts["preset"] not in PRESETS:
            raise ParameterError(f"preset={opts['preset']!r} (in {path.name}.mapping.yaml) is unknown; use one of "
                                 f"{', '.join(map(repr, PRESETS))}.")
    preset = opts["preset"]
    cfg = PRESETS.get(preset or "", {})
    full_mapping = {**cfg.get("mapping", {}), **side_map, **user_mapping}

    if path is not None:
        header_names = None
        if preset == "cdnow" and not path.is_dir() and path.stat().st_size and \
                not _first_line(path).lower().startswith("customer_id"):
            header_names = ["id_master", "customer_id", "date", "number_of_cds", "dollar_value"]
        src = _open_source(path, encoding=opts["encoding"], sep=opts["sep"] or cfg.get("sep"), sheet=opts["sheet"],
                           header_names=header_names, needed={"customer_id", "order_date"}, mapping=full_mapping)
        meta.update(source=str(path), sha256=file_hash(path))
    else:
        src = _from_frame(source, name, False)
    try:
        door = _validate(src, full_mapping, preset, opts, asof, explicit=bool(user_mapping or side_map), meta=meta)
    finally:
        src.close()
    if lazy:
        return _lazy_table(door)
    try:
        df = _fetch(door.view)
    finally:
        _drop(door)
    df.attrs["crmcore"] = door.meta
    return df


def open_transactions(source: Any, **kwargs):
    """The validated transactions as a lazy Ibis table: ``load_transactions(source, lazy=True, **kwargs)``."""
    return load_transactions(source, lazy=True, **kwargs)


def _lazy_table(door: _Door):
    from crmcore import engine

    _LAZY[door.view] = {**door.meta, "_table": door.table, "_view": door.view, "_select": door.select,
                        "_duplicates": door.duplicates, "_rows": door.n}
    return engine.backend().table(door.view)


def _fetch(view: str) -> pd.DataFrame:
    tbl = _con().sql(f"SELECT * FROM {_q(view)}").to_arrow_table()
    return tbl.to_pandas(date_as_object=False)


def _drop(door: _Door) -> None:
    con = _con()
    con.execute(f"DROP VIEW IF EXISTS {_q(door.view)}")
    con.execute(f"DROP TABLE IF EXISTS {_q(door.table)}")


def close(t: Any) -> None:
    """Free the engine memory of a table from ``load_transactions(..., lazy=True)`` or ``clean`` of one."""
    for name in _op_names(t):
        info = _LAZY.pop(name, None)
        if info is not None:
            con = _con()
            con.execute(f"DROP VIEW IF EXISTS {_q(name)}")
            for tbl in info.get("_own", [info["_table"]]):
                con.execute(f"DROP TABLE IF EXISTS {_q(tbl)}")


def _op_names(t: Any) -> list[str]:
    import ibis

    return [op.name for op in t.op().find(ibis.expr.operations.DatabaseTable)]


def _lazy_meta(t: Any) -> dict | None:
    names = _op_names(t)
    if len(names) == 1 and names[0] in _LAZY:
        return _LAZY[names[0]]
    return None


def _first_line(path: Path) -> str:
    with _opener(path) as fh:
        return fh.readline().decode("utf-8", errors="replace").strip()


def _validate(src: _Source, mapping: dict, preset: str | None, opts: dict, asof: Any, *, explicit: bool,
              meta: dict) -> _Door:
    con = _con()
    name, from_file = src.name, src.from_file
    found = [str(c).strip() for c in src.columns]
    raw_of = dict(zip(found, src.columns))
    cfg = PRESETS.get(preset or "", {})
    if preset is None and not explicit and _UCI_COLUMNS <= set(found):
        preset, cfg = "online_retail", PRESETS["online_retail"]
        mapping = {**cfg["mapping"], **mapping}
        print(f"Note: {Path(name).name if from_file else name} has the columns of the UCI Online Retail data set "
              "(Chen 2015); read with preset='online_retail': invoices starting with 'C' are returns, and rows with "
              "problems are kept for clean() to remove and count.")
    invalid = opts["invalid"] or cfg.get("invalid", "raise")
    date_format = opts["date_format"] or cfg.get("date_format")
    dayfirst = bool(opts["dayfirst"])
    meta["preset"] = preset

    cols = _resolve_columns(found, mapping, name, from_file, explicit)
    cols = {k: raw_of[v] for k, v in cols.items()}
    types = {k: src.types[v] for k, v in cols.items()}

    derived: dict[str, str] = {}
    if preset == "cdnow":
        if "order_id" not in cols and {"customer_id", "order_date"} <= set(cols):
            derived["order_id"] = (f"CAST({_q(cols['customer_id'])} AS VARCHAR) || '-' || "
                                   f"CAST({_q(cols['order_date'])} AS VARCHAR)")
        if "product_id" not in cols:
            derived["product_id"] = "'CD'"
    needed = list(NEEDED)
    if "amount" not in cols:
        needed += ["quantity", "unit_price"]
    missing = [c for c in needed if c not in cols and c not in derived]
    if missing:
        also = [c for c in ("product_id", "quantity", "unit_price", "amount") if c not in cols and c not in missing]
        raise _missing_error(missing, found, name, also=also)

    def build(types: dict[str, str], view: str):
        # four projections in one statement: s1 reads each source column once (cheap casts), s2 runs the
        # slow parses only where s1 failed, s3 makes the values, s4 derives what a file may lack and sets
        # one bit per failed check. No expression runs twice and no row goes through Python.
        s1: dict[str, str] = {}
        s2: dict[str, str] = {}
        s3: dict[str, str] = {}
        checks: list[tuple[str, str, str, str, str]] = []  # (key, column, bad SQL on s3, problem, fix)

        def passthrough(name, *stages):
            for st in stages:
                st[name] = _q(name)

        for c in _STR_COLS:
            later = None
            if c in cols:
                s1[c], later = _string_sql(cols[c], types[c], c)
            elif c in derived:
                s1[c] = derived[c]
            if c in s1:
                s2[c] = later or _q(c)
                passthrough(c, s3)
        d1, d2 = _date_stages(cols["order_date"], types["order_date"], date_format, dayfirst)
        s1["_d"], s1["_r_d"] = d1, _q(cols["order_date"])
        s2["order_date"] = d2
        # a "date" outside 1900..2200 is a placeholder or a misparse ('5th', year 0001), never a sale
        s3["order_date"] = f"CASE WHEN year(order_date) BETWEEN {_YEARS[0]} AND {_YEARS[1]} THEN order_date END"
        checks.append(("order_date", "order_date", "order_date IS NULL", "are not dates",
                       "Fix those rows, or pass date_format='%d/%m/%Y' (or dayfirst=True) to say how dates are written"
                       + (f" — also possible in {Path(name).name}.mapping.yaml as date_format: '%d/%m/%Y'"
                          if from_file else "")))
        for c in _NUM_COLS:
            if c not in cols:
                continue
            v1, v2, miss = _number_stages(cols[c], types[c], f"_n_{c}", f"_r_{c}")
            s1[f"_n_{c}"], s1[f"_r_{c}"] = v1, _q(cols[c])
            s2[f"_v_{c}"], s2[f"_m_{c}"] = v2, miss
            s3[c] = f"CASE WHEN _m_{c} THEN NULL WHEN isfinite(_v_{c}) THEN _v_{c} END"
            s3[f"_x_{c}"] = f"NOT _m_{c} AND NOT coalesce(isfinite(_v_{c}), false)"
            passthrough(f"_m_{c}", s3)
            checks.append((f"{c}:nan", c, f"_x_{c}", "are not numbers",
                           "Remove text such as units or notes from the column, or fix those rows"))
            if c in ("quantity", "unit_price", "amount"):
                checks.append((f"{c}:empty", c, f"_m_{c}", "are empty", "Fill them in or drop those rows before loading"))
        for c in _BOOL_COLS:
            if c in cols:
                value, bad = _bool_sql(cols[c], types[c])
                s1[c], s1[f"_b_{c}"] = value, bad
                passthrough(c, s2, s3)
                passthrough(f"_b_{c}", s2, s3)
                checks.append((c, c, f"_b_{c}", "are not yes/no values", "Use 1/0, true/false or 是/否"))
        if "return_prefix" in cfg and "order_id" in s3:
            s3["is_return"] = f"starts_with(CAST(order_id AS VARCHAR), {_lit(cfg['return_prefix'])})"
        s4 = {c: _q(c) for c in s3 if not c.startswith("_")}
        if "quantity" not in s4:
            s4["quantity"] = "CAST(1.0 AS DOUBLE)"
        if "unit_price" not in s4:
            s4["unit_price"] = "abs(amount / nullif(CAST(quantity AS DOUBLE), 0))"
        if "amount" not in s4:
            s4["amount"] = f"({s4['quantity']} * unit_price)"
        if "is_return" not in s4:
            s4["is_return"] = "false"
        flags = " | ".join(f"(CASE WHEN {bad} THEN {1 << i} ELSE 0 END)" for i, (_, _, bad, _, _) in enumerate(checks))
        order = [c for c in CANONICAL if c in s4]

        def body(d):
            return ", ".join(f"{v} AS {_q(k)}" for k, v in d.items())

        sql = (f"SELECT {', '.join(f'{s4[c]} AS {_q(c)}' for c in order)}, CAST({flags or '0'} AS INTEGER) AS _bad "
               f"FROM (SELECT {body(s3)} FROM (SELECT {body(s2)} FROM (SELECT {body(s1)} FROM {_q(view)})))")
        return sql, checks, order

    table = f"crm_door_{next(_names)}"
    # A CSV is re-read with its number and ISO date columns typed by DuckDB's reader (its C parser
    # is cheaper than a text cast per row); a column whose typed read fails takes the text path.
    typed = _typed_columns(src, cols, types, date_format) if src.csv is not None else {}
    while True:
        view = _typed_view(src, {cols[k]: t for k, t in typed.items()}) if typed else src.view
        sql, checks, order = build({**types, **typed}, view)
        try:
            con.execute(f"CREATE TEMP TABLE {_q(table)} AS {sql}")
            break
        except Exception as e:
            con.execute(f"DROP TABLE IF EXISTS {_q(table)}")
            if typed:
                bad = re.search(r'converting column "(.*?)"', str(e))
                culprit = [k for k in typed if bad and cols[k] == bad.group(1)]
                typed = {k: t for k, t in typed.items() if k not in culprit} if culprit else {}
                continue
            err = _csv_error(e, Path(name)) if from_file else e
            if isinstance(err, _BadUnicode):
                raise DataError(f"{name}: the text is not valid UTF-8 ({str(e).splitlines()[0][:200]}). "
                                "Pass encoding=... or save the file as UTF-8 CSV.") from e
            raise err from e
        finally:
            if view != src.view:
                con.execute(f"DROP VIEW IF EXISTS {_q(view)}")
    n = con.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0]
    if n == 0:
        con.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        raise data_error("has a header but no rows", source=name, columns=found,
                         fix="Export the rows too, or check that the filter in your query returns data")
    try:
        return _check(src, table, order, checks, n, invalid, asof, meta, found, cols)
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        raise


#: ISO 8601 dates (and times) as DuckDB's timestamp cast reads them
_ISO = r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$"


def _typed_columns(src: _Source, cols: dict[str, str], types: dict[str, str], date_format) -> dict[str, str]:
    """canonical name → type for the CSV columns DuckDB's reader may type itself: numbers, and the date
    when the file's first dates are ISO 8601 (the reader's cast is then the text path's first try)."""
    out = {c: "DOUBLE" for c in _NUM_COLS if c in cols and types[c] == "VARCHAR"}
    if not date_format and types["order_date"] == "VARCHAR":
        d = _q(cols["order_date"])
        head = _con().execute(f"SELECT bool_and(regexp_matches({d}, {_lit(_ISO)})) FROM (SELECT {d} FROM "
                              f"{_q(src.view)} WHERE {d} IS NOT NULL LIMIT 1000)").fetchone()[0]
        if head:
            out["order_date"] = "TIMESTAMP"
    return out


def _typed_view(src: _Source, types: dict[str, str]) -> str:
    """A view re-reading the CSV with ``types`` (raw column → DuckDB type) for some columns, text for the rest."""
    target, opts = src.csv
    view = f"crm_door_src_{next(_names)}"
    spec = "{" + ", ".join(f"{_lit(c)}: {_lit(t)}" for c, t in types.items()) + "}"
    _con().execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT * FROM read_csv({_lit(target.as_posix())}, "
                   f"{', '.join(opts)}, types={spec})")
    return view


def _examples(src: _Source, table: str, where: str, column: str, raw_col: str | None) -> list[tuple[object, object]]:
    """Up to three (row, value) pairs: the row in the file (header = row 1) or the DataFrame's index label."""
    con = _con()
    rids = [r[0] for r in con.execute(f"SELECT rowid FROM {_q(table)} WHERE {where} ORDER BY rowid LIMIT 3").fetchall()]
    if not rids:
        return []
    if raw_col is not None:
        # the value as written, from the source (rows are numbered in the source's order)
        rows = con.execute(f"SELECT rid, {_q(raw_col)} FROM (SELECT row_number() OVER () - 1 AS rid, {_q(raw_col)} "
                           f"FROM {_q(src.view)}) WHERE rid IN ({', '.join(map(str, rids))}) ORDER BY rid").fetchall()
    else:
        rows = con.execute(f"SELECT rowid, {_q(column)} FROM {_q(table)} WHERE rowid IN "
                           f"({', '.join(map(str, rids))}) ORDER BY rowid").fetchall()
    out = []
    for rid, value in rows:
        if isinstance(value, float) and column == "quantity" and value.is_integer():
            value = int(value)
        if hasattr(value, "isoformat") and not isinstance(value, str):
            value = pd.Timestamp(value)
        label = rid + 2 if src.from_file else (src.index[rid] if src.index is not None else rid)
        out.append((label, value))
    return out


def _check(src, table, order, checks, n, invalid, asof, meta, found, cols) -> _Door:
    con = _con()
    name = src.name
    asof_ts = None
    if asof is not None:
        from crmcore.engine import check_asof

        asof_ts = check_asof(asof)
    content = [
        ("unit_price", "unit_price <= 0", "are zero or negative prices",
         "Correct the prices, or pass invalid='keep' and let crmcore.data.clean() drop and count them"),
        ("quantity", "quantity <= 0 AND NOT is_return", "are quantities ≤ 0 on lines not marked as returns",
         "Mark returns with an is_return column (true/false), or pass invalid='keep' and clean()"),
    ]
    if asof_ts is not None:
        content.append(("order_date", f"order_date >= TIMESTAMP '{asof_ts:%Y-%m-%d %H:%M:%S}'",
                        f"are on or after asof={asof_ts:%Y-%m-%d %H:%M} (future dates)",
                        "Choose a later asof (the snapshot date), or remove the future rows"))
    aggs = [f"count(*) FILTER (WHERE _bad & {1 << i} <> 0)" for i in range(len(checks))]
    aggs += [f"count(*) FILTER (WHERE {cond})" for _, cond, _, _ in content]
    aggs.append("bool_and(quantity = floor(quantity)) FILTER (WHERE quantity IS NOT NULL)")
    # Exact duplicates agree on every column, so rows that are distinct on a few key columns prove there
    # are none; the distinct count over a short key costs two thirds of one over the whole row. When the
    # key repeats (or a hash collides) the exact test below decides, row by row.
    key = [c for c in ("order_id", "product_id", "amount") if c in order] or order
    aggs.append("count(*) - count(DISTINCT hash(" + ", ".join(_q(c) for c in key) + "))")
    res = con.execute(f"SELECT {', '.join(aggs)} FROM {_q(table)}").fetchone()
    parse_counts, content_counts = res[:len(checks)], res[len(checks):len(checks) + len(content)]
    integral, dup_hash = res[-2], res[-1]
    for i, ((key, col, _, problem, fix), bad) in enumerate(zip(checks, parse_counts)):
        if bad:
            raise data_error(problem, source=name, column=col, n_bad=int(bad), n_total=n,
                             examples=_examples(src, table, f"_bad & {1 << i} <> 0", col, cols[col]),
                             columns=found, fix=fix)
    problems = []
    quantity_int = "quantity" in cols and integral is not False and con.execute(f"SELECT typeof(quantity) FROM {_q(table)} LIMIT 1").fetchone()[0] != "BIGINT"

    def fail_or_note(err):
        if invalid == "raise":
            raise err
        problems.append(str(err))

    for (col, cond, problem, fix), bad in zip(content, content_counts):
        if bad:
            fail_or_note(data_error(problem, source=name, column=col, n_bad=int(bad), n_total=n,
                                    examples=_examples(src, table, cond, col, None), columns=found, fix=fix))
    dups = 0
    if dup_hash:
        keys = ", ".join(_q(c) for c in order)
        found_dups = con.execute(f"SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY {keys} ORDER BY rowid) "
                                 f"AS k FROM {_q(table)}) WHERE k > 1 ORDER BY rowid").fetchnumpy()["rowid"]
        dups = len(found_dups)
        dup_rows = f"rowid IN ({', '.join(str(int(r)) for r in found_dups[:3])})"
        if dups:
            fail_or_note(data_error("are exact duplicates of an earlier line", source=name, column="(all)",
                                    n_bad=int(dups), n_total=n,
                                    examples=_examples(src, table, dup_rows, "order_id", None), columns=found,
                                    fix="Remove the duplicated export rows, or pass invalid='keep' and clean(duplicates='drop')"))
    if problems:
        warnings.warn("kept rows with problems for crmcore.data.clean() to remove and count:\n  "
                      + "\n  ".join(problems), stacklevel=4)
    view = f"{table}_v"
    sel = ", ".join("CAST(quantity AS BIGINT) AS quantity" if c == "quantity" and quantity_int else _q(c) for c in order)
    con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT {sel} FROM {_q(table)}")
    return _Door(table, view, n, int(dups), meta, sel)


def require_product(tx: Any, method: str) -> None:
    """Refuse, with the fix, a method by product on transactions without ``product_id``."""
    columns = tx.columns if hasattr(tx, "columns") else []
    if "product_id" not in columns:
        raise DataError(f"{method} works by product and needs a product_id column; these transactions have "
                        f"none (columns: {', '.join(map(str, columns))}). Map your SKU / item code column to "
                        "product_id (mapping= or the <file>.mapping.yaml sidecar).")


#: names that usually mean a canonical column (used for suggestions, never mapped silently)
SYNONYMS = {
    "customer_id": ("customer", "customerid", "custid", "memberid", "member", "clientid", "客户", "客户编号", "客户id", "会员号", "会员编号"),
    "order_id": ("invoice", "invoiceno", "invoiceid", "order", "orderno", "ordernumber", "订单号", "订单编号", "单号", "发票号"),
    "order_date": ("date", "invoicedate", "orderdate", "time", "datetime", "orderdatetime", "日期", "订单日期", "下单时间", "交易日期"),
    "product_id": ("product", "productid", "stockcode", "sku", "item", "itemid", "itemcode", "商品编码", "商品编号", "货号", "商品id"),
    "quantity": ("qty", "quantity", "units", "number", "数量", "件数"),
    "unit_price": ("price", "unitprice", "单价", "价格", "售价"),
    "amount": ("amount", "revenue", "sales", "total", "value", "金额", "销售额", "实付金额"),
}


def _missing_error(missing: list[str], found: list[str], source: str, also: list[str] = ()) -> DataError:
    """The missing required columns, with close matches for them (and for the optional ``also`` ones)."""
    hints = []
    norm = {c: c.lower().replace("_", "").replace(" ", "").replace("-", "") for c in found}
    for m in [*missing, *also]:
        target = m.replace("_", "")
        close = ([c for c, n in norm.items() if n == target]
                 or [c for c, n in norm.items() if n in SYNONYMS.get(m, ())]
                 or difflib.get_close_matches(m, found, n=1, cutoff=0.6))
        if close:
            hints.append((close[0], m))
    if hints:
        fix = (f"Close matches: {', '.join(f'{a!r} → {b!r}' for a, b in hints)}. "
               f"Pass mapping={{{', '.join(f'{a!r}: {b!r}' for a, b in hints)}}}")
    else:
        fix = "Rename your columns or pass mapping={'your column': 'canonical name'}"
    if source != "the DataFrame":
        fix += (f" — for crm report or a notebook, write that mapping next to the data as "
                f"{Path(source).name}.mapping.yaml, one 'your column: canonical name' per line")
    return data_error(f"missing required column(s) {', '.join(map(repr, missing))}", source=source,
                      columns=found, fix=fix)


def sidecar_mapping(path: str | Path) -> dict[str, str] | None:
    """The column mapping stored next to a data file as ``<file>.mapping.yaml``, if there is one.

    Besides ``your column: canonical name`` lines the file may set how the data are written:
    ``date_format``, ``dayfirst``, ``encoding``, ``sep``, ``sheet`` (and ``preset``) — see
    :func:`sidecar_options`; those keys are not part of the mapping.
    """
    raw = _sidecar(path)
    if raw is None:
        return None
    m = {k: v for k, v in raw.items() if k not in SIDECAR_OPTIONS}
    side = Path(f"{path}.mapping.yaml")
    if not all(isinstance(k, str) and v in CANONICAL for k, v in m.items()):
        raise DataError(f"{side}: each line must map one of your columns to a canonical name "
                        f"({', '.join(CANONICAL)}), e.g. CustomerID: customer_id; or set one of "
                        f"{', '.join(SIDECAR_OPTIONS)}.")
    return m


def sidecar_options(path: str | Path) -> dict[str, Any]:
    """How the file is written, from its ``<file>.mapping.yaml``: date_format, dayfirst, encoding, sep, sheet, preset."""
    raw = _sidecar(path) or {}
    opts = {k: raw[k] for k in SIDECAR_OPTIONS if k in raw}
    if "dayfirst" in opts and not isinstance(opts["dayfirst"], bool):
        raise DataError(f"{path}.mapping.yaml: dayfirst must be true or false, not {opts['dayfirst']!r}.")
    return opts


def _sidecar(path: str | Path) -> dict | None:
    import yaml

    side = Path(f"{path}.mapping.yaml")
    if not side.exists():
        return None
    try:
        m = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise DataError(f"{side}: not valid YAML ({e}). Write one line per column, e.g. CustomerID: customer_id.") from e
    if not isinstance(m, dict):
        raise DataError(f"{side}: each line must map one of your columns to a canonical name "
                        f"({', '.join(CANONICAL)}), e.g. CustomerID: customer_id.")
    return m


# ---------------------------------------------------------------- cleaning
@dataclass(frozen=True)
class CleanResult(Result):
    """Cleaned transactions and the audit of what each rule removed."""

    transactions: Any
    audit: pd.DataFrame
    returns: str
    duplicates: str
    non_product: tuple[str, ...]
    title = "Cleaning audit"
    _conventions = ("returns", "duplicates", "non_product")
    _columns = {
        "rule": {"en": "Rule", "zh": "规则"}, "step": {"en": "Step", "zh": "步骤"},
        "rows_removed": {"en": "Lines removed", "zh": "删除行数"},
        "customers_removed": {"en": "Customers removed", "zh": "删除客户数"},
        "orders_removed": {"en": "Orders removed", "zh": "删除订单数"}, "rows": {"en": "Lines left", "zh": "剩余行数"},
        "customers": {"en": "Customers left", "zh": "剩余客户数"}, "orders": {"en": "Orders left", "zh": "剩余订单数"},
    }

    def to_frame(self) -> pd.DataFrame:
        return self.audit

    def interpret(self, lang: str = "en") -> list[str]:
        """What cleaning kept, and one sentence per rule that removed rows (rules that removed none are not named)."""
        check_lang(lang)
        a = self.audit.set_index("rule")
        raw, last = a.loc["raw"], a.iloc[-1]
        n0, n1 = int(raw["rows"]), int(last["rows"])
        c0, c1 = int(raw["customers"]), int(last["customers"])
        kept = n1 / n0 if n0 else 1.0
        if lang == "zh":
            out = [f"清洗后保留 {n1:,} 行（原始 {n0:,} 行的 {kept:.1%}）、{c1:,} 位客户（原始 {c0:,} 位）。"]
        else:
            out = [f"Cleaning kept {n1:,} of {n0:,} lines ({kept:.1%}) and {c1:,} of {c0:,} customers."]
        removed = a[a["rows_removed"] > 0].drop(index="raw", errors="ignore")
        for rule, r in removed.iterrows():
            name = _RULE_LABELS.get(rule, {}).get(lang, rule)
            share = int(r["rows_removed"]) / n0 if n0 else 0.0
            if lang == "zh":
                out.append(f"“{name}”规则删除 {int(r['rows_removed']):,} 行（{share:.1%}），"
                           f"涉及 {int(r['orders_removed']):,} 张订单。")
            else:
                n, o = int(r["rows_removed"]), int(r["orders_removed"])
                out.append(f"The rule '{name}' removed {n:,} line{'s' * (n != 1)} ({share:.1%}) "
                           f"in {o:,} order{'s' * (o != 1)}.")
        if removed.empty:
            out.append("没有任何规则删除数据：数据已经是干净的。" if lang == "zh" else
                       "No rule removed any line: the data were clean already.")
        return out

    def plot(self, ax: Any = None, lang: str = "en", **kwargs: Any):
        """Lines removed by each rule (a horizontal bar per rule)."""
        from crmcore.plotting import new_ax, use_style

        check_lang(lang)
        use_style(lang)
        ax = new_ax(ax, figsize=(7, 3.5))
        a = self.audit[self.audit["rule"] != "raw"]
        names = [_RULE_LABELS.get(r, {}).get(lang, r) for r in a["rule"]]
        ax.barh(names[::-1], a["rows_removed"].to_numpy()[::-1], color="C3")
        ax.set_xlabel("删除的行数" if lang == "zh" else "lines removed")
        ax.set_title("数据清洗：各规则删除的行数" if lang == "zh" else "Cleaning audit: lines removed by each rule")
        return ax


_RULE_LABELS = {
    "raw": {"en": "raw data", "zh": "原始数据"},
    "missing_customer": {"en": "missing customer id", "zh": "缺少客户编号"},
    "returns": {"en": "returns / cancellations", "zh": "退货/取消订单"},
    "returns_unmatched": {"en": "returns of customers with no purchase here", "zh": "无对应购买记录的退货"},
    "non_positive_price": {"en": "zero or negative price", "zh": "单价为零或负数"},
    "non_positive_quantity": {"en": "quantity ≤ 0 not a return", "zh": "非退货的数量≤0"},
    "duplicates": {"en": "exact duplicate lines", "zh": "完全重复的行"},
    "non_product": {"en": "non-product codes (postage, fees)", "zh": "非商品代码(邮费、手续费)"},
}


def clean(
    tx: Any,
    *,
    returns: str = "drop",
    duplicates: str = "drop",
    non_product: tuple[str, ...] | None = None,
    lang: str = "en",
) -> CleanResult:
    """Remove rows that no analysis should count, rule by rule, and audit each rule.

    Rules, in this order: missing customer id; returns/cancellations (``returns="drop"`` removes
    them; "net" keeps them as negative lines, so sums are net of returns, but drops returns of
    customers who have no purchase in the data to net against; "keep" keeps every return);
    zero or negative unit price; quantity ≤ 0 on a line that is not a return; exact duplicate lines
    (``duplicates="drop"|"keep"``); non-product codes such as postage and bank charges
    (default: the preset's list, e.g. Online Retail's POST, M, D, BANK CHARGES...).

    The audit has, per rule, the rows, customers and orders removed and those remaining. The rules
    run in the engine; ``tx`` may be a DataFrame (the result is one) or the lazy table of
    ``load_transactions(..., lazy=True)`` (the result is a lazy table too).
    """
    from crmcore.labels import text

    if returns not in ("drop", "net", "keep"):
        raise ParameterError(f"returns={returns!r}: use 'drop', 'net' or 'keep'.")
    if duplicates not in ("drop", "keep"):
        raise ParameterError(f"duplicates={duplicates!r}: use 'drop', 'keep'.")
    is_frame = isinstance(tx, pd.DataFrame)
    columns = list(tx.columns)
    missing = [c for c in ("customer_id", "order_id", "unit_price", "quantity") if c not in columns]
    if missing:
        raise DataError(f"clean() needs canonical transactions; missing {', '.join(missing)}. "
                        "Load them with crmcore.data.load_transactions first.")
    lazy_meta = None if is_frame else _lazy_meta(tx)
    meta = tx.attrs.get("crmcore", {}) if is_frame else {k: v for k, v in (lazy_meta or {}).items()
                                                         if not k.startswith("_")}
    if non_product is None:
        non_product = tuple(PRESETS.get(meta.get("preset") or "", {}).get("non_product", ()))
    if "product_id" not in columns:
        non_product = ()
    con = _con()
    from crmcore import engine

    if is_frame:
        name = f"crm_clean_{next(_names)}"
        con.register(name, tx.assign(_rid=np.arange(len(tx), dtype="int64")))
        rel, rid = _q(name), "_rid"
    else:
        t = engine.table(tx)
        if lazy_meta is not None and "_select" in lazy_meta:
            rel = f"(SELECT {lazy_meta['_select']}, rowid AS _rowid FROM {_q(lazy_meta['_table'])})"
            rid, name = "_rowid", None
        else:
            import ibis

            rel, rid, name = f"({ibis.to_sql(t, dialect='duckdb')})", "row_number() OVER ()", None
    try:
        return _clean_sql(tx, rel, rid, columns, returns, duplicates, tuple(non_product), lang, meta, lazy_meta,
                          is_frame, text)
    finally:
        if name:
            con.unregister(name)


def _clean_sql(tx, rel, rid, columns, returns, duplicates, non_product, lang, meta, lazy_meta, is_frame, text):
    con = _con()
    has_ret = "is_return" in columns
    ret = "is_return" if has_ret else "false"
    rules: list[tuple[str, str]] = [("missing_customer", "customer_id IS NULL")]
    if returns == "drop":
        rules.append(("returns", ret))
    elif returns == "net":
        # a return can only be netted against the same customer's purchases in these data
        rules.append(("returns_unmatched", f"{ret} AND customer_id NOT IN (SELECT DISTINCT customer_id FROM {{base}} "
                                           f"WHERE NOT {ret} AND customer_id IS NOT NULL)"))
    rules.append(("non_positive_price", "NOT coalesce(unit_price > 0, false)"))
    rules.append(("non_positive_quantity", f"NOT coalesce(quantity > 0 OR {ret}, false)"))
    steps = [r for r, _ in rules]
    case = " ".join(f"WHEN {cond.format(base='base')} THEN {i + 1}" for i, (_, cond) in enumerate(rules))
    cols = ", ".join(_q(c) for c in columns)
    dup_known_zero = lazy_meta is not None and "_select" in lazy_meta and not lazy_meta.get("_duplicates")
    parts = [f"base AS (SELECT {cols}, {rid} AS _rid FROM {rel})",
             f"s1 AS (SELECT *, CASE {case} ELSE 0 END AS _step FROM base)"]
    last = "s1"
    if duplicates == "drop":
        steps.append("duplicates")
        k = len(steps)
        if dup_known_zero:
            pass
        else:
            parts.append(f"s2 AS (SELECT * EXCLUDE (_step), CASE WHEN _step = 0 AND row_number() OVER "
                         f"(PARTITION BY {cols}, _step = 0 ORDER BY _rid) > 1 THEN {k} ELSE _step END AS _step FROM s1)")
            last = "s2"
    if non_product:
        steps.append("non_product")
        k = len(steps)
        parts.append(f"s3 AS (SELECT * EXCLUDE (_step), CASE WHEN _step = 0 AND product_id IN "
                     f"({', '.join(map(_lit, non_product))}) THEN {k} ELSE _step END AS _step FROM {last})")
        last = "s3"
    with_sql = "WITH " + ", ".join(parts)
    # per customer and per order: the last rule it survives (0 = removed by rule 1; len(steps) = kept)
    top = len(steps)
    level = f"max(CASE WHEN _step = 0 THEN {top} ELSE _step - 1 END)"
    per_c = f"SELECT {level} AS lv FROM {last} WHERE customer_id IS NOT NULL GROUP BY customer_id"
    per_o = f"SELECT {level} AS lv FROM {last} WHERE order_id IS NOT NULL GROUP BY order_id"
    r_aggs = ", ".join(f"count(*) FILTER (WHERE _step = 0 OR _step > {k})" for k in range(top + 1))
    c_aggs = ", ".join(f"count(*) FILTER (WHERE lv >= {k})" for k in range(top + 1))
    if is_frame or not dup_known_zero or duplicates == "keep":
        # materialise the step of every row once: the audit and the result read it
        stepped = f"crm_clean_step_{next(_names)}"
        con.execute(f"CREATE TEMP TABLE {_q(stepped)} AS {with_sql} SELECT * FROM {last}")
        src = _q(stepped)
        with_sql, last = "", src
        per_c = f"SELECT {level} AS lv FROM {src} WHERE customer_id IS NOT NULL GROUP BY customer_id"
        per_o = f"SELECT {level} AS lv FROM {src} WHERE order_id IS NOT NULL GROUP BY order_id"
    else:
        stepped = None
    rows = con.execute(f"{with_sql} SELECT {r_aggs} FROM {last}").fetchone()
    custs = con.execute(f"{with_sql} SELECT {c_aggs} FROM ({per_c})").fetchone()
    orders = con.execute(f"{with_sql} SELECT {c_aggs} FROM ({per_o})").fetchone()
    names = ["raw", *steps]
    audit = pd.DataFrame({
        "rule": names, "step": [text(r, lang, _RULE_LABELS) for r in names],
        "rows_removed": [0] + [rows[k - 1] - rows[k] for k in range(1, top + 1)],
        "customers_removed": [0] + [custs[k - 1] - custs[k] for k in range(1, top + 1)],
        "orders_removed": [0] + [orders[k - 1] - orders[k] for k in range(1, top + 1)],
        "rows": list(rows), "customers": list(custs), "orders": list(orders),
    })
    for c in audit.columns[2:]:
        audit[c] = audit[c].astype("int64")
    cleaned = {"returns": returns, "duplicates": duplicates}
    if is_frame:
        try:
            step = con.execute(f"SELECT _step FROM {_q(stepped)} ORDER BY _rid").fetchnumpy()["_step"]
        finally:
            con.execute(f"DROP TABLE IF EXISTS {_q(stepped)}")
        out = tx[np.asarray(step) == 0].reset_index(drop=True)
        out.attrs["crmcore"] = {**meta, "cleaned": cleaned}
        return CleanResult(out, audit, returns, duplicates, tuple(non_product))
    from crmcore import engine

    view = f"crm_door_{next(_names)}_clean"
    if stepped is not None:
        con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT {', '.join(_q(c) for c in columns)} FROM {_q(stepped)} "
                    f"WHERE _step = 0")
        own = [stepped]
    else:
        src_view = _q(lazy_meta["_view"])
        conds = " AND ".join(f"NOT coalesce({cond.format(base=src_view)}, false)" for _, cond in rules)
        if non_product:
            conds += f" AND coalesce(product_id NOT IN ({', '.join(map(_lit, non_product))}), true)"
        con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT {', '.join(_q(c) for c in columns)} "
                    f"FROM {src_view} WHERE {conds}")
        own = []
    base_table = lazy_meta["_table"] if lazy_meta else None
    _LAZY[view] = {**meta, "cleaned": cleaned, "_table": base_table or (own[0] if own else ""), "_own": own,
                   "_duplicates": 0, "_rows": rows[-1]}
    return CleanResult(engine.backend().table(view), audit, returns, duplicates, tuple(non_product))


# ---------------------------------------------------------------- files larger than memory
def scan_transactions(path: str | Path, *, mapping: Mapping[str, str] | None = None, preset: str | None = None):
    """A canonical Ibis table over a Parquet/CSV file, validated in the engine without loading it.

    For files larger than memory: columns are renamed and cast lazily, and the checks that
    :func:`load_transactions` makes row by row are made as engine aggregates (counts of bad
    values and up to three examples). The result feeds every ``crmcore.engine`` function.
    """
    from crmcore import engine

    cfg = dict(PRESETS[preset]) if preset else {}
    mapping = {**cfg.get("mapping", {}), **(mapping or {})}
    t = engine.table(Path(path))
    source = str(path)
    t = t.rename({v: k for k, v in mapping.items() if k in t.columns and k != v})
    t = t.rename({_canon_name(c): c for c in t.columns if _canon_name(c) in CANONICAL and _canon_name(c) != c})
    needed = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price"]
    missing = [c for c in needed if c not in t.columns]
    if missing:
        raise _missing_error(missing, list(t.columns), source)
    casts = {"customer_id": t.customer_id.cast("string"), "order_id": t.order_id.cast("string"),
             "product_id": t.product_id.cast("string"), "quantity": t.quantity.cast("float64"),
             "unit_price": t.unit_price.cast("float64")}
    date = t.order_date
    casts["order_date"] = date if date.type().is_timestamp() else date.cast("string").try_cast("timestamp")
    t = t.mutate(**casts)
    if "amount" not in t.columns:
        t = t.mutate(amount=t.quantity * t.unit_price)
    if "is_return" not in t.columns:
        t = t.mutate(is_return=t.quantity < 0) if "return_prefix" not in cfg else \
            t.mutate(is_return=t.order_id.startswith(cfg["return_prefix"]))
    checks = {
        "order_date": (t.order_date.isnull(), "are not dates", "Fix those rows or convert the column to timestamps"),
        "unit_price": (t.unit_price <= 0, "are zero or negative prices", "Filter them out before scanning"),
    }
    counts = t.aggregate(n=t.count(), **{f"bad_{c}": m.cast("int64").sum() for c, (m, _, _) in checks.items()}).execute()
    n = int(counts["n"].iloc[0])
    for col, (mask, problem, fix) in checks.items():
        bad = int(counts[f"bad_{col}"].iloc[0] or 0)
        if bad:
            ex = t.filter(mask).select(col).limit(3).execute()[col].tolist()
            raise data_error(problem, source=source, column=col, n_bad=bad, n_total=n,
                             examples=[("?", v) for v in ex], columns=list(t.columns), fix=fix)
    cols = [c for c in CANONICAL if c in t.columns]
    return t.select(cols)
