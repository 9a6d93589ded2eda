"""Transaction aggregation through Ibis, on embedded DuckDB by default.

Every per-customer, per-order, per-period and per-product-period summary is an Ibis
expression, so the same code runs on a pandas DataFrame, a Parquet/CSV file bigger than
memory, or a table on any Ibis backend (Spark, a warehouse, Polars). Results come back as
small pandas frames; the analysis then happens in pandas.
"""
from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

import ibis
from ibis import _
import ibis.expr.types as ir
import pandas as pd

from .errors import DataError, ParameterError

_FREQS = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y"}
_counter = itertools.count()
_backend = None


#: DuckDB's memory cap; beyond it, aggregations spill to disk instead of growing the process
#: (DuckDB's own default is 80% of RAM). Override with CRMCORE_DUCKDB_MEMORY, e.g. "8GB".
DEFAULT_MEMORY_LIMIT = "3GB"


def backend():
    """The default in-process DuckDB backend (created on first use, memory capped)."""
    global _backend
    if _backend is None:
        _backend = ibis.duckdb.connect()
        limit = os.environ.get("CRMCORE_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)
        _backend.con.execute(f"SET memory_limit = '{limit}'").fetchall()
        # spill files go to the system temp folder, not a .tmp folder in the user's working directory
        spill = Path(tempfile.gettempdir()) / "crmcore-duckdb"
        _backend.con.execute(f"SET temp_directory = '{spill.as_posix()}'").fetchall()
    return _backend


def table(tx: Any) -> ir.Table:
    """Return ``tx`` as an Ibis table.

    ``tx`` may be a canonical pandas DataFrame (registered with DuckDB without copying), an Ibis
    table (used as is, on its own backend), or the path of a canonical Parquet/CSV file (scanned
    lazily, so it may be larger than memory).
    """
    if isinstance(tx, ir.Table):
        return tx
    con = backend()
    if isinstance(tx, pd.DataFrame):
        name = f"crm_tx_{next(_counter)}"
        # DuckDB scans the pandas columns in place: no Arrow copy of a 10M-row frame.
        con.con.register(name, tx)
        return con.table(name)
    if isinstance(tx, (str, Path)):
        path = Path(tx)
        if not path.exists():
            raise DataError(f"file not found: {path}. Check the path (relative paths are from {Path.cwd()}).")
        if path.suffix.lower() == ".parquet":
            return con.read_parquet(path)
        if path.suffix.lower() in (".csv", ".gz"):
            return con.read_csv(path)
        raise DataError(f"{path}: the engine scans .parquet or .csv files; load other formats with crmcore.data.load_transactions.")
    raise DataError(f"cannot aggregate a {type(tx).__name__}; pass a DataFrame, an Ibis table or a Parquet/CSV path.")


def release(t: ir.Table) -> None:
    """Drop the temporary DuckDB view behind ``t`` (made by :func:`table` for a DataFrame), if any."""
    for op in t.op().find(ibis.expr.operations.DatabaseTable):
        if op.name.startswith("crm_tx_"):
            backend().con.unregister(op.name)


def _check_cols(t: ir.Table, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in t.columns]
    if missing == ["product_id"]:
        release(t)
        raise DataError(f"{what} works by product and needs a product_id column; these transactions have none "
                        f"(columns: {', '.join(t.columns)}). Map your SKU / item code column to product_id "
                        "(mapping= or the <file>.mapping.yaml file next to the data).")
    if missing:
        release(t)
        raise DataError(
            f"{what} needs column(s) {', '.join(missing)}; columns found: {', '.join(t.columns)}. "
            "Load the data with crmcore.data.load_transactions to get the canonical schema."
        )


def execute(expr: ir.Table, tx: Any = None) -> pd.DataFrame:
    """Run an Ibis expression built on ``table(tx)`` and return pandas; frees the temporary view."""
    try:
        # through Arrow: Ibis' own to_pandas turns any column with a null into Python objects row by row
        df = expr.to_pyarrow().to_pandas(date_as_object=False)
    finally:
        if isinstance(tx, pd.DataFrame):
            # drop the view this call registered, so DuckDB holds no reference to the frame
            release(expr)
    return df


#: snapshot dates crmcore accepts (a far-future asof is an error, not an overflow in date arithmetic)
ASOF_RANGE = (pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01"))


def check_asof(asof: Any, name: str = "asof") -> pd.Timestamp:
    """The snapshot date as a Timestamp, or a ParameterError: crmcore never reads the clock."""
    if asof is None or (isinstance(asof, str) and not asof.strip()):
        raise ParameterError(f"{name} is required (a fixed date such as '2025-12-31'); crmcore never reads the clock.")
    try:
        ts = pd.Timestamp(asof)
    except (ValueError, TypeError) as e:
        raise ParameterError(f"{name}={asof!r} is not a date; write it like '2025-12-31'.") from e
    if ts is pd.NaT:
        raise ParameterError(f"{name}={asof!r} is not a date; write it like '2025-12-31'.")
    if not ASOF_RANGE[0] <= ts < ASOF_RANGE[1]:
        # a snapshot date such as 2999-01-01 is a typo or a placeholder: every customer would be "lost",
        # and pandas' nanosecond timestamps overflow in date arithmetic beyond 2262
        raise ParameterError(f"{name}={asof!r} is outside {ASOF_RANGE[0]:%Y-%m-%d} … {ASOF_RANGE[1]:%Y-%m-%d}; "
                             "give the snapshot date of your data (e.g. the day after the last transaction), "
                             "or leave asof empty in a notebook to derive it from the data.")
    return ts


def customer_summary(tx: Any, *, asof: Any) -> pd.DataFrame:
    """One row per customer: first/last purchase, orders, purchase days, lines, quantity, revenue,
    largest single order, recency and tenure in days as of ``asof``.

    Return lines (``is_return``) reduce revenue and quantity (net) but are not orders, purchase
    days or lines, and do not move the first or last purchase; a customer whose only lines
    before ``asof`` are returns is left out.

    Only rows dated before ``asof`` count (``order_date < asof``), so a snapshot never sees the future.
    """
    asof_ts = check_asof(asof)
    t = table(tx)
    _check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity"], "customer_summary")
    t = t.filter(t.order_date < asof_ts)
    # return lines (is_return) count against revenue and quantity (net), never as orders or purchase days
    buy = ~t.is_return if "is_return" in t.columns else ibis.literal(True)
    orders = t.filter(buy).group_by(["customer_id", "order_id"]).aggregate(order_value=_.amount.sum())
    per_order = orders.group_by("customer_id").aggregate(max_order_value=orders.order_value.max())
    day = t.order_date.cast("date")
    base = t.group_by("customer_id").aggregate(
        first_purchase=t.order_date.min(where=buy),
        last_purchase=t.order_date.max(where=buy),
        orders=t.order_id.nunique(where=buy),
        purchase_days=day.nunique(where=buy),
        lines=t.count(where=buy),
        quantity=t.quantity.sum(),
        revenue=t.amount.sum(),
    )
    # a customer with only returns before asof has no purchase: leave them out
    base = base.filter(base.orders > 0)
    day0 = ibis.literal(asof_ts.date())
    expr = base.join(per_order, "customer_id")
    expr = expr.mutate(
        recency_days=day0.delta(expr.last_purchase.date(), unit="day"),
        tenure_days=day0.delta(expr.first_purchase.date(), unit="day"),
    ).order_by("customer_id")
    df = execute(expr, tx)
    cols = ["customer_id", "first_purchase", "last_purchase", "orders", "purchase_days", "lines",
            "quantity", "revenue", "max_order_value", "recency_days", "tenure_days"]
    return df[cols].reset_index(drop=True)


def order_summary(tx: Any) -> pd.DataFrame:
    """One row per order: customer_id, order_id, order_date (first line's time), amount, quantity, lines."""
    t = table(tx)
    _check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity"], "order_summary")
    expr = t.group_by(["customer_id", "order_id"]).aggregate(
        order_date=t.order_date.min(), amount=t.amount.sum(), quantity=t.quantity.sum(), lines=t.count()
    ).order_by(["customer_id", "order_date", "order_id"])
    df = execute(expr, tx)
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def _period_start(col: ir.TimestampValue, freq: str) -> ir.Value:
    if freq not in _FREQS:
        raise ParameterError(f"freq={freq!r} is not supported; use one of {', '.join(_FREQS)}.")
    if freq == "D":
        return col.truncate("D")
    return col.truncate(_FREQS[freq])


def periodic_sales(tx: Any, *, freq: str = "D", by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Revenue, orders, customers and quantity per period (period = its start), optionally by
    columns such as ``region`` or ``channel``. Periods with no sales are absent, not zero."""
    t = table(tx)
    keys = [by] if isinstance(by, str) else list(by or [])
    _check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity", *keys], "periodic_sales")
    t = t.mutate(period=_period_start(t.order_date, freq))
    expr = t.group_by(["period", *keys]).aggregate(
        revenue=t.amount.sum(), orders=t.order_id.nunique(), customers=t.customer_id.nunique(),
        quantity=t.quantity.sum(),
    ).order_by(["period", *keys])
    df = execute(expr, tx)
    df["period"] = pd.to_datetime(df["period"])
    return df


def product_period_sales(tx: Any, *, freq: str = "M", level: str = "product_id") -> pd.DataFrame:
    """Revenue, quantity, orders and customers per product (or ``category``) and period."""
    t = table(tx)
    _check_cols(t, ["order_id", "order_date", "amount", "quantity", "customer_id", level], "product_period_sales")
    t = t.mutate(period=_period_start(t.order_date, freq))
    expr = t.group_by(["period", level]).aggregate(
        revenue=t.amount.sum(), quantity=t.quantity.sum(), orders=t.order_id.nunique(),
        customers=t.customer_id.nunique(),
    ).order_by(["period", level])
    df = execute(expr, tx)
    df["period"] = pd.to_datetime(df["period"])
    return df
