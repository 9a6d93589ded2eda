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

This module holds the door's entry points; each idea behind them has its own module, and every public name
is re-exported here (``crmcore.data.clean``, ``crmcore.data.CANONICAL`` …): ``data_schema`` (canonical
columns, presets, Chinese names, the mapping sidecar), ``data_read`` (files and encodings into the engine),
``data_validate`` (typing and checks, with their error messages), ``data_clean`` (cleaning rules and the
audit) and ``data_lazy`` (validated tables kept in the engine, :func:`close`).
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

# the door's ideas live in their own modules (data_schema, data_read, data_validate, data_lazy, data_clean);
# every public name stays reachable as ``crmcore.data.X``
from crmcore.door.data_clean import CleanResult, clean  # noqa: F401
from crmcore.door.data_lazy import _LAZY, _drop, _fetch, _lazy_meta, _lazy_table, close  # noqa: F401
from crmcore.door.data_read import _first_line, _from_frame, _open_source, file_hash  # noqa: F401
from crmcore.door.data_schema import (  # noqa: F401
    CANONICAL, CHINESE_NAMES, NEEDED, ONLINE_RETAIL_NON_PRODUCT, OPTIONAL, PRESETS, REQUIRED, SIDECAR_OPTIONS,
    SYNONYMS, _canon_name, _missing_error, require_product, sidecar_mapping, sidecar_options)
from crmcore.door.data_validate import _validate
from crmcore.errors import DataError, ParameterError, data_error


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
