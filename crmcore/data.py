"""Transactions in one canonical schema, validated once at the door, and cleaned with an audit.

Canonical columns (see ``data/README.md``):

required  customer_id, order_id, order_date, product_id, quantity, unit_price, amount
optional  product_name, category, channel, region, is_promo, list_price, payment, is_return

``amount`` is computed as quantity × unit_price when absent. Returns are lines with a negative
quantity and ``is_return`` true (the Online Retail preset marks invoices starting with "C").
"""
from __future__ import annotations

import difflib
import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .errors import DataError, ParameterError, data_error
from .results import Result

REQUIRED = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "amount"]
OPTIONAL = ["product_name", "category", "channel", "region", "is_promo", "list_price", "payment", "is_return"]
CANONICAL = REQUIRED + OPTIONAL
_STR_COLS = ["customer_id", "order_id", "product_id", "product_name", "category", "channel", "region", "payment"]
_NUM_COLS = ["quantity", "unit_price", "amount", "list_price"]
_BOOL_COLS = ["is_promo", "is_return"]
_TRUE = {"1", "true", "t", "yes", "y", "是", "对", "1.0"}
_FALSE = {"0", "false", "f", "no", "n", "否", "", "0.0", "nan", "none"}

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


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file, for report headers (which exact data produced this?)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- reading files
def _read_csv(path: Path, *, encoding: str | None, sep: str | None, header_names: list[str] | None) -> pd.DataFrame:
    kw: dict[str, Any] = dict(dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    if header_names:
        kw.update(header=None, names=header_names)
    tried = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    errors = []
    for enc in tried:
        try:
            # no sep given: sniff it from the first 20 kB, then read with pandas' fast C parser
            df = pd.read_csv(path, encoding=enc, sep=sep or _sniff_sep(path, enc), **kw)
            if enc == "gb18030" and not encoding:
                warnings.warn(f"{path.name} is not UTF-8; read it as GBK/GB18030 (Chinese Excel export).", stacklevel=3)
            return df
        except UnicodeDecodeError as e:
            errors.append(f"{enc}: {e.reason} at byte {e.start}")
        except pd.errors.EmptyDataError as e:
            raise DataError(f"{path} is empty: no header and no rows. Export the data again.") from e
        except pd.errors.ParserError as e:
            raise DataError(f"{path} could not be parsed as CSV ({str(e).splitlines()[0]}). "
                            "Check the separator (pass sep=...) and quoting.") from e
    head = path.open("rb").read(4)
    hint = " It starts with a UTF-16 byte-order mark: pass encoding='utf-16'." if head[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
    raise DataError(f"{path}: the text is neither UTF-8 nor GBK/GB18030 ({'; '.join(errors)}).{hint} "
                    "Save it as UTF-8 CSV or pass encoding=... .")


def _sniff_sep(path: Path, enc: str) -> str:
    import csv
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding=enc, errors="replace") as fh:
        sample = fh.read(20000)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_excel(path: Path, sheet: Any, needed: set[str], mapping: Mapping[str, str]) -> pd.DataFrame:
    try:
        sheets = pd.read_excel(path, sheet_name=None if sheet is None else sheet, dtype=str)
    except ValueError as e:
        raise DataError(f"{path}: {e}. Pass sheet= with one of the workbook's sheet names.") from e
    except Exception as e:  # a broken workbook: openpyxl raises many types
        raise DataError(f"{path} could not be read as an Excel workbook ({type(e).__name__}: {e}).") from e
    if sheet is not None:
        return sheets
    def fits(df):
        cols = {_canon_name(mapping.get(c, c)) for c in df.columns.astype(str)}
        return needed <= cols
    good = [name for name, df in sheets.items() if fits(df)]
    first = next(iter(sheets))
    if first in good:
        return sheets[first]
    if len(good) == 1:
        warnings.warn(f"{path.name}: the data are on sheet {good[0]!r}, not the first sheet {first!r}; "
                      f"reading {good[0]!r} (pass sheet={good[0]!r} to say so).", stacklevel=3)
        return sheets[good[0]]
    desc = "; ".join(f"{n!r}: {', '.join(map(str, d.columns[:8])) or 'empty'}" for n, d in sheets.items())
    raise DataError(f"{path}: no sheet has the columns {', '.join(sorted(needed))} (sheets found — {desc}). "
                    "Pass sheet='name' and mapping={'your column': 'customer_id', ...}.")


def _canon_name(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


# ---------------------------------------------------------------- validation helpers
def _loc(df: pd.DataFrame, mask: pd.Series, col: str, from_file: bool) -> list[tuple[object, object]]:
    """Up to three (row label, value) pairs; for files the row label is the line in the file."""
    idx = mask[mask].index[:3]
    return [((i + 2) if from_file else i, df.at[i, col]) for i in idx]


def _clean_number_text(s: pd.Series) -> pd.Series:
    return (s.astype("str").str.strip()
            .str.replace(r"^[¥$£€]|[,，\s]", "", regex=True)
            .str.replace("（", "(").str.replace("）", ")"))


@dataclass
class _Ctx:
    source: str
    from_file: bool
    columns: list[str]
    invalid: str
    problems: list[str] = field(default_factory=list)

    def fail_or_note(self, err: DataError) -> None:
        if self.invalid == "raise":
            raise err
        self.problems.append(str(err))


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
    dayfirst: bool = False,
    invalid: str | None = None,
) -> pd.DataFrame:
    """Read transactions into the canonical schema and validate them once.

    Parameters
    ----------
    source : DataFrame, or path of a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), .xlsx or .parquet file.
    mapping : your column name → canonical name, e.g. ``{"CustomerID": "customer_id"}``.
    preset : ``"online_retail"`` (UCI Online Retail) or ``"cdnow"`` (CDNOW master or sample file).
    asof : snapshot instant; lines at or after it are "future" and rejected.
    invalid : ``"raise"`` (default) stops at content problems — non-positive prices, non-positive
        quantities not marked as returns, future dates, duplicate lines; ``"keep"`` keeps those rows
        (with a warning) for :func:`clean` to remove and count. Presets of public data default to "keep".

    Returns
    -------
    DataFrame with the canonical columns (required first), ``is_return`` always present, and
    ``attrs["crmcore"]`` recording the source, its hash and the preset.
    """
    cfg = dict(PRESETS[preset]) if preset else {}
    if preset and preset not in PRESETS:
        raise ParameterError(f"preset={preset!r} is unknown; use one of {', '.join(PRESETS)} or pass mapping=.")
    mapping = {**cfg.get("mapping", {}), **(mapping or {})}
    invalid = invalid or cfg.get("invalid", "raise")
    if invalid not in ("raise", "keep"):
        raise ParameterError(f"invalid={invalid!r}: use 'raise' or 'keep'.")
    date_format = date_format or cfg.get("date_format")
    meta: dict[str, Any] = {"preset": preset}

    if isinstance(source, pd.DataFrame):
        raw = source.copy()
        name, from_file = "the DataFrame", False
        meta["source"] = "DataFrame"
    else:
        path = Path(source)
        name, from_file = str(path), True
        if path.exists():
            side = sidecar_mapping(path)
            if side:  # an explicit mapping= wins over the file's sidecar
                mapping = {**side, **mapping}
                meta["mapping_file"] = f"{path}.mapping.yaml"
        if not path.exists():
            near = difflib.get_close_matches(path.name, [p.name for p in path.parent.glob("*")] if path.parent.exists() else [], n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise DataError(f"file not found: {path} (working directory {Path.cwd()}).{hint}")
        if path.stat().st_size == 0:
            raise DataError(f"{path} is empty (0 bytes). Export the data again.")
        suffixes = "".join(path.suffixes[-2:]).lower()
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            raw = _read_excel(path, sheet, {"customer_id", "order_date"}, mapping)
        elif path.suffix.lower() == ".parquet":
            raw = pd.read_parquet(path)
        elif path.suffix.lower() in (".csv", ".txt", ".tsv") or suffixes.endswith((".csv.gz", ".txt.gz")) or path.suffix == ".gz":
            header_names = None
            if preset == "cdnow":
                first = _first_line(path)
                if not first.lower().startswith("customer_id"):
                    header_names = ["id_master", "customer_id", "date", "number_of_cds", "dollar_value"]
            raw = _read_csv(path, encoding=encoding, sep=sep or cfg.get("sep"), header_names=header_names)
        else:
            raise DataError(f"{path}: unknown file type {path.suffix!r}; use .csv, .xlsx or .parquet.")
        meta.update(source=str(path), sha256=file_hash(path))

    if raw.shape[0] == 0:
        raise data_error("has a header but no rows", source=name, columns=list(map(str, raw.columns)),
                         fix="Export the rows too, or check that the filter in your query returns data")

    raw.columns = [str(c).strip() for c in raw.columns]
    found = list(raw.columns)
    renamed = raw.rename(columns=mapping)
    # accept canonical names written in another case or with spaces ("Customer ID" is not auto-mapped: see below)
    renamed = renamed.rename(columns={c: _canon_name(c) for c in renamed.columns if _canon_name(c) in CANONICAL})
    ctx = _Ctx(name, from_file, found, invalid)

    if "return_prefix" in cfg and "order_id" in renamed:
        renamed["is_return"] = renamed["order_id"].astype("str").str.startswith(cfg["return_prefix"])
    # derive what a file without order or product ids implies (CDNOW: one order per customer-day)
    if "order_id" not in renamed and {"customer_id", "order_date"} <= set(renamed) and preset == "cdnow":
        renamed["order_id"] = renamed["customer_id"].astype("str") + "-" + renamed["order_date"].astype("str")
    if "product_id" not in renamed and preset == "cdnow":
        renamed["product_id"] = "CD"

    needed = ["customer_id", "order_id", "order_date", "product_id"]
    has_amount = "amount" in renamed
    if not has_amount:
        needed += ["quantity", "unit_price"]
    missing = [c for c in needed if c not in renamed]
    if missing:
        raise _missing_error(missing, found, name)

    df = pd.DataFrame(index=renamed.index)
    for col in CANONICAL:
        if col in renamed:
            df[col] = renamed[col]
    _parse_strings(df)
    _parse_dates(df, ctx, date_format, dayfirst)
    _parse_numbers(df, ctx)
    if "quantity" not in df:
        df["quantity"] = 1.0
    if "unit_price" not in df:
        with pd.option_context("mode.use_inf_as_na", True) if False else _nullctx():
            q = df["quantity"].where(df["quantity"] != 0)
            df["unit_price"] = (df["amount"] / q).abs()
    if "amount" not in df:
        df["amount"] = df["quantity"] * df["unit_price"]
    if "is_return" not in df:
        df["is_return"] = False
    _parse_bools(df, ctx)
    _check_content(df, ctx, asof)
    if ctx.problems:
        warnings.warn("kept rows with problems for crmcore.data.clean() to remove and count:\n  "
                      + "\n  ".join(ctx.problems), stacklevel=2)
    df = df[[c for c in CANONICAL if c in df.columns]]
    df = df.reset_index(drop=True)
    df.attrs["crmcore"] = meta
    return df


class _nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _first_line(path: Path) -> str:
    import gzip
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip()


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


def _missing_error(missing: list[str], found: list[str], source: str) -> DataError:
    hints = []
    norm = {c: c.lower().replace("_", "").replace(" ", "").replace("-", "") for c in found}
    for m in missing:
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
    """The column mapping stored next to a data file as ``<file>.mapping.yaml``, if there is one."""
    import yaml

    side = Path(f"{path}.mapping.yaml")
    if not side.exists():
        return None
    try:
        m = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise DataError(f"{side}: not valid YAML ({e}). Write one line per column, e.g. CustomerID: customer_id.") from e
    if not isinstance(m, dict) or not all(isinstance(k, str) and v in CANONICAL for k, v in m.items()):
        raise DataError(f"{side}: each line must map one of your columns to a canonical name "
                        f"({', '.join(CANONICAL)}), e.g. CustomerID: customer_id.")
    return m


def _parse_strings(df: pd.DataFrame) -> None:
    for col in _STR_COLS:
        if col not in df:
            continue
        s = df[col]
        if pd.api.types.is_float_dtype(s):
            # a float id column (e.g. 12346.0 because of empty cells) back to its integer text
            s = s.astype("Int64").astype("str").where(s.notna())
        s = s.astype("str").str.strip()
        s = s.where(~s.isin(["", "nan", "None", "<NA>", "NaN"]))
        if col == "customer_id":
            s = s.str.replace(r"\.0$", "", regex=True)
        df[col] = s


def _parse_dates(df: pd.DataFrame, ctx: _Ctx, date_format: str | None, dayfirst: bool) -> None:
    s = df["order_date"]
    if pd.api.types.is_datetime64_any_dtype(s):
        parsed = s
        if getattr(s.dt, "tz", None) is not None:
            parsed = s.dt.tz_localize(None)
    else:
        text = s.astype("str").str.strip()
        try:
            parsed = pd.to_datetime(text, format=date_format or "ISO8601", errors="coerce", dayfirst=dayfirst)
        except (ValueError, TypeError):
            parsed = pd.Series(pd.NaT, index=s.index)
        bad = parsed.isna() & text.notna() & (text != "")
        if bad.any() and date_format is None:
            retry = pd.to_datetime(text[bad], format="mixed", errors="coerce", dayfirst=dayfirst)
            parsed = parsed.astype("datetime64[us]")
            parsed[bad] = retry.astype("datetime64[us]")
        bad = parsed.isna()
        if bad.any():
            raise data_error("are not dates", source=ctx.source, column="order_date", n_bad=int(bad.sum()),
                             n_total=len(s), examples=_loc(df, bad, "order_date", ctx.from_file),
                             columns=ctx.columns,
                             fix="Fix those rows, or pass date_format='%d/%m/%Y' (or dayfirst=True) to say how dates are written")
    df["order_date"] = parsed.astype("datetime64[us]")


def _parse_numbers(df: pd.DataFrame, ctx: _Ctx) -> None:
    for col in _NUM_COLS:
        if col not in df:
            continue
        s = df[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            num = s.astype("float64")
            text_missing = s.isna()
        else:
            text = _clean_number_text(s)
            text_missing = s.isna() | (text == "") | text.isin(["nan", "None", "<NA>"])
            num = pd.to_numeric(text.where(~text_missing), errors="coerce")
            num = num.astype("float64")
        bad = num.isna() & ~text_missing
        if bad.any():
            raise data_error("are not numbers", source=ctx.source, column=col, n_bad=int(bad.sum()),
                             n_total=len(s), examples=_loc(df, bad, col, ctx.from_file), columns=ctx.columns,
                             fix="Remove text such as units or notes from the column, or fix those rows")
        if col in ("quantity", "unit_price", "amount") and text_missing.any():
            raise data_error("are empty", source=ctx.source, column=col, n_bad=int(text_missing.sum()),
                             n_total=len(s), examples=_loc(df, text_missing, col, ctx.from_file),
                             columns=ctx.columns, fix="Fill them in or drop those rows before loading")
        if col == "quantity" and (num.dropna() % 1 == 0).all():
            df[col] = num.astype("int64") if num.notna().all() else num
        else:
            df[col] = num


def _parse_bools(df: pd.DataFrame, ctx: _Ctx) -> None:
    for col in _BOOL_COLS:
        if col not in df or pd.api.types.is_bool_dtype(df[col]):
            continue
        text = df[col].astype("str").str.strip().str.lower()
        is_true, is_false = text.isin(_TRUE), text.isin(_FALSE) | df[col].isna()
        bad = ~(is_true | is_false)
        if bad.any():
            raise data_error("are not yes/no values", source=ctx.source, column=col, n_bad=int(bad.sum()),
                             n_total=len(df), examples=_loc(df, bad, col, ctx.from_file), columns=ctx.columns,
                             fix="Use 1/0, true/false or 是/否")
        df[col] = is_true


def _check_content(df: pd.DataFrame, ctx: _Ctx, asof: Any) -> None:
    n = len(df)
    price_bad = df["unit_price"] <= 0
    if price_bad.any():
        ctx.fail_or_note(data_error("are zero or negative prices", source=ctx.source, column="unit_price",
                                    n_bad=int(price_bad.sum()), n_total=n,
                                    examples=_loc(df, price_bad, "unit_price", ctx.from_file), columns=ctx.columns,
                                    fix="Correct the prices, or pass invalid='keep' and let crmcore.data.clean() drop and count them"))
    qty_bad = (df["quantity"] <= 0) & ~df["is_return"]
    if qty_bad.any():
        ctx.fail_or_note(data_error("are quantities ≤ 0 on lines not marked as returns", source=ctx.source,
                                    column="quantity", n_bad=int(qty_bad.sum()), n_total=n,
                                    examples=_loc(df, qty_bad, "quantity", ctx.from_file), columns=ctx.columns,
                                    fix="Mark returns with an is_return column (true/false), or pass invalid='keep' and clean()"))
    if asof is not None:
        try:
            asof_ts = pd.Timestamp(asof)
        except (ValueError, TypeError) as e:
            raise ParameterError(f"asof={asof!r} is not a date; write it like '2025-12-31'.") from e
        future = df["order_date"] >= asof_ts
        if future.any():
            ctx.fail_or_note(data_error(f"are on or after asof={asof_ts:%Y-%m-%d %H:%M} (future dates)",
                                        source=ctx.source, column="order_date", n_bad=int(future.sum()), n_total=n,
                                        examples=_loc(df, future, "order_date", ctx.from_file), columns=ctx.columns,
                                        fix="Choose a later asof (the snapshot date), or remove the future rows"))
    dup = df.duplicated(keep="first")
    if dup.any():
        ctx.fail_or_note(data_error("are exact duplicates of an earlier line", source=ctx.source, column="(all)",
                                    n_bad=int(dup.sum()), n_total=n,
                                    examples=_loc(df, dup, "order_id", ctx.from_file), columns=ctx.columns,
                                    fix="Remove the duplicated export rows, or pass invalid='keep' and clean(duplicates='drop')"))


# ---------------------------------------------------------------- cleaning
@dataclass(frozen=True)
class CleanResult(Result):
    """Cleaned transactions and the audit of what each rule removed."""

    transactions: pd.DataFrame
    audit: pd.DataFrame
    returns: str
    duplicates: str
    non_product: tuple[str, ...]
    title = "Cleaning audit"
    _conventions = ("returns", "duplicates", "non_product")

    def to_frame(self) -> pd.DataFrame:
        return self.audit


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
    tx: pd.DataFrame,
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

    The audit has, per rule, the rows, customers and orders removed and those remaining.
    """
    from .labels import text

    if returns not in ("drop", "net", "keep"):
        raise ParameterError(f"returns={returns!r}: use 'drop', 'net' or 'keep'.")
    if duplicates not in ("drop", "keep"):
        raise ParameterError(f"duplicates={duplicates!r}: use 'drop' or 'keep'.")
    missing = [c for c in ("customer_id", "order_id", "unit_price", "quantity", "product_id") if c not in tx]
    if missing:
        raise DataError(f"clean() needs canonical transactions; missing {', '.join(missing)}. "
                        "Load them with crmcore.data.load_transactions first.")
    meta = tx.attrs.get("crmcore", {})
    if non_product is None:
        non_product = tuple(PRESETS.get(meta.get("preset") or "", {}).get("non_product", ()))
    df = tx
    is_return = df["is_return"] if "is_return" in df else pd.Series(False, index=df.index)
    rows = []

    def snap(rule, before, after):
        rows.append({
            "rule": rule, "step": text(rule, lang, _RULE_LABELS),
            "rows_removed": len(before) - len(after),
            "customers_removed": before["customer_id"].nunique() - after["customer_id"].nunique(),
            "orders_removed": before["order_id"].nunique() - after["order_id"].nunique(),
            "rows": len(after), "customers": after["customer_id"].nunique(), "orders": after["order_id"].nunique(),
        })

    snap("raw", df, df)
    steps = [("missing_customer", df["customer_id"].notna())]
    if returns == "drop":
        steps.append(("returns", ~is_return))
    elif returns == "net":
        # a return can only be netted against the same customer's purchases in these data
        buyers = df.loc[~is_return, "customer_id"].dropna().unique()
        steps.append(("returns_unmatched", ~is_return | df["customer_id"].isin(buyers)))
    steps.append(("non_positive_price", df["unit_price"] > 0))
    steps.append(("non_positive_quantity", (df["quantity"] > 0) | is_return))
    for rule, keep in steps:
        after = df[keep.loc[df.index]]
        snap(rule, df, after)
        df = after
    if duplicates == "drop":
        after = df[~df.duplicated(keep="first")]
        snap("duplicates", df, after)
        df = after
    if non_product:
        after = df[~df["product_id"].isin(non_product)]
        snap("non_product", df, after)
        df = after
    out = df.reset_index(drop=True)
    out.attrs["crmcore"] = {**meta, "cleaned": {"returns": returns, "duplicates": duplicates}}
    audit = pd.DataFrame(rows)
    return CleanResult(out, audit, returns, duplicates, tuple(non_product))


# ---------------------------------------------------------------- files larger than memory
def scan_transactions(path: str | Path, *, mapping: Mapping[str, str] | None = None, preset: str | None = None):
    """A canonical Ibis table over a Parquet/CSV file, validated in the engine without loading it.

    For files larger than memory: columns are renamed and cast lazily, and the checks that
    :func:`load_transactions` makes row by row are made as engine aggregates (counts of bad
    values and up to three examples). The result feeds every ``crmcore.engine`` function.
    """
    from . import engine

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
