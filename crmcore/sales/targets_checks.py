"""Input checks of the weight-index method (:mod:`crmcore.sales.targets`), at the door.

Every public function of the targets modules checks its arguments here and says how to fix them; the
computations behind it trust their input. Also the exact split of a total into parts (:func:`allocate`).
"""
from __future__ import annotations

import math
import re
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error

MISSING = ("error", "zero")
WEEKLY_INDEX_RULES = ("derived", "fixed")


def check_weekly_index(weekly_index: Any) -> float | str:
    if isinstance(weekly_index, str) and weekly_index.strip().lower() == "derived":
        return "derived"
    try:
        k = float(weekly_index)
    except (TypeError, ValueError):
        raise ParameterError(f"weekly_index={weekly_index!r} is not a number or 'derived'; choose 'derived' (K read from "
                             "the data, 黄成明's way) or a fixed weekly weight index (周权重指数) between 7 and 14.") from None
    if not (7 <= k <= 14) or math.isnan(k):
        raise ParameterError(
            f"weekly_index={weekly_index!r} is outside 7..14; the weekly weight index (周权重指数) is either "
            "'derived' (read from the data) or a fixed number between 7 and 14 (7 makes an average day weigh 1)."
        )
    return k


def check_missing(missing: str) -> str:
    if missing not in MISSING:
        raise ParameterError(
            f"missing={missing!r} is not an option; use 'error' (stop and list days without sales) or "
            "'zero' (the shop was open: a day without sales sold 0)."
        )
    return missing


def as_month(month: Any, name: str = "month") -> pd.Period:
    # strings must spell the year: dateutil would read "June" as June of the current year
    if isinstance(month, str) and not re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?", month.strip()):
        raise ParameterError(f"{name}={month!r} is not a month; write it like '2025-06'.")
    try:
        if isinstance(month, pd.Period):
            return month.asfreq("M")
        return pd.Period(pd.Timestamp(month), freq="M")
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={month!r} is not a month; write it like '2025-06'.") from None


def as_date(value: Any, name: str) -> pd.Timestamp:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}([ T][\d:.]+)?", value.strip()):
        raise ParameterError(f"{name}={value!r} is not a date; write it like '2025-06-15'.")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a date; write it like '2025-06-15'.") from None
    if ts is pd.NaT:
        raise ParameterError(f"{name}={value!r} is not a date; write it like '2025-06-15'.")
    return ts.normalize()


def check_amount(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a number.") from None
    if not np.isfinite(v) or v < 0:
        raise ParameterError(f"{name}={value!r} must be a finite amount ≥ 0.")
    return v


def as_daily(daily_sales: Any, *, value: str = "revenue", name: str = "daily_sales") -> pd.Series:
    """Daily sales as a float Series on a sorted, unique, midnight DatetimeIndex (named 'date')."""
    if isinstance(daily_sales, pd.DataFrame):
        df = daily_sales
        date_col = next((c for c in ("period", "date", "order_date") if c in df.columns), None)
        if date_col is None and isinstance(df.index, pd.DatetimeIndex):
            s = df[value] if value in df.columns else (df.iloc[:, 0] if df.shape[1] == 1 else None)
        elif date_col is not None and value in df.columns:
            s = pd.Series(df[value].to_numpy(), index=df[date_col].to_numpy())
        else:
            s = None
        if s is None:
            raise data_error(
                f"needs a date column ('period' or 'date') and a sales column {value!r}",
                source=name, columns=list(df.columns),
                fix="pass crmcore.engine.periodic_sales(tx, freq='D') or a Series date → sales; choose the column with value=",
            )
    elif isinstance(daily_sales, pd.Series):
        s = daily_sales
    else:
        raise DataError(f"{name}: expected a pandas Series (date → sales) or DataFrame, got {type(daily_sales).__name__}.")
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(s.index))
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: the index (dates) could not be read as dates ({exc}). Index the sales by date.") from None
    if (idx != idx.normalize()).any():
        pos = np.flatnonzero(idx != idx.normalize())
        raise data_error(
            "carry a time of day, so these look like transactions, not daily sales",
            source=name, column="date", n_bad=len(pos), n_total=len(idx),
            examples=[(int(i), str(idx[i])) for i in pos[:3]],
            fix="aggregate to days first with crmcore.targets.daily_sales(tx)",
        )
    vals = pd.to_numeric(pd.Series(np.asarray(s), index=idx), errors="coerce").astype(float)
    bad = np.flatnonzero(~np.isfinite(vals.to_numpy()))
    if len(bad):
        raise data_error(
            "are not numbers", source=name, column="sales", n_bad=len(bad), n_total=len(vals),
            examples=[(str(idx[i].date()), s.iloc[i]) for i in bad[:3]],
            fix="fix or drop those days; a day the shop was open with no sales is 0",
        )
    neg = np.flatnonzero(vals.to_numpy() < 0)
    if len(neg):
        raise data_error(
            "are negative", source=name, column="sales", n_bad=len(neg), n_total=len(vals),
            examples=[(str(idx[i].date()), float(vals.iloc[i])) for i in neg[:3]],
            fix="net returns can push a day below zero; clean the transactions with returns='drop' or check those days",
        )
    dup = idx.duplicated()
    if dup.any():
        pos = np.flatnonzero(dup)
        raise data_error(
            "are repeated dates", source=name, column="date", n_bad=len(pos), n_total=len(idx),
            examples=[(int(i), str(idx[i].date())) for i in pos[:3]],
            fix="sum the sales per day first (one row per date)",
        )
    out = vals.sort_index()
    out.index.name = "date"
    out.name = "sales"
    return out


def complete_days(s: pd.Series, start: pd.Timestamp, end: pd.Timestamp, missing: str, name: str,
              skip: pd.DatetimeIndex | None = None) -> tuple[pd.Series, int]:
    """Sales on every day start..end; days without a row raise (missing='error') or are 0."""
    days = pd.date_range(start, end, freq="D", name="date")
    absent = days.difference(s.index)
    if skip is not None:
        absent = absent.difference(skip)
    if len(absent) and missing == "error":
        shown = ", ".join(str(d.date()) for d in absent[:5])
        raise DataError(
            f"{name}: {len(absent):,} of {len(days):,} days between {start.date()} and {end.date()} have no sales "
            f"row ({shown}{', ...' if len(absent) > 5 else ''}). If the shop was open on those days and sold nothing, "
            "pass missing='zero'; otherwise choose a period without gaps."
        )
    return s.reindex(days, fill_value=0.0).astype(float), int(len(absent))


def read_holidays(holidays: Any) -> pd.DataFrame | None:
    """Holiday table → DataFrame(date, weight, name) sorted by date."""
    if holidays is None:
        return None
    if isinstance(holidays, Mapping):
        df = pd.DataFrame({"date": list(holidays.keys()), "weight": list(holidays.values())})
    elif isinstance(holidays, pd.DataFrame):
        df = holidays.copy()
    else:
        raise ParameterError(
            f"holidays must be a DataFrame with columns 'date' and 'weight' (and optionally 'name') or a "
            f"dict date → weight, not {type(holidays).__name__}."
        )
    missing_cols = [c for c in ("date", "weight") if c not in df.columns]
    if missing_cols:
        raise data_error(
            f"needs column(s) {', '.join(missing_cols)}", source="holidays", columns=list(df.columns),
            fix="give one row per holiday date with its day weight index",
        )
    dates = pd.to_datetime(df["date"], errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise data_error("are not dates", source="holidays", column="date", n_bad=len(bad), n_total=len(df),
                         examples=[(int(i), df["date"].iloc[i]) for i in bad[:3]], fix="write dates like '2025-10-01'")
    w = pd.to_numeric(df["weight"], errors="coerce")
    bad = np.flatnonzero(~(w >= 0).to_numpy())
    if len(bad):
        raise data_error("are not weights ≥ 0", source="holidays", column="weight", n_bad=len(bad), n_total=len(df),
                         examples=[(int(i), df["weight"].iloc[i]) for i in bad[:3]],
                         fix="give each holiday its own day weight index, a number ≥ 0")
    out = pd.DataFrame({"date": dates.dt.normalize(), "weight": w.astype(float),
                        "name": df["name"].astype(str) if "name" in df.columns else ""})
    if out["date"].duplicated().any():
        d = out.loc[out["date"].duplicated(), "date"].iloc[0]
        raise DataError(f"holidays: the date {d.date()} appears twice; keep one weight per date.")
    return out.sort_values("date", ignore_index=True)


def allocate(total: float, weights: np.ndarray, round_to: float | None, what: str) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` so that the parts add up to ``total``.

    With ``round_to`` (0.01 = cents, 1 = whole units) the parts are multiples of it, shared out
    by the largest-remainder (Hamilton) method: floor every exact share, then give one more unit
    to the largest fractional remainders (earlier position first on ties).
    """
    w = np.asarray(weights, dtype=float)
    tot_w = w.sum()
    if tot_w <= 0:
        raise DomainError(f"{what}: the weights sum to {tot_w:g}, so the target cannot be shared out; "
                          "check that the sales history has sales on these days.")
    share = w / tot_w
    if round_to is None:
        parts = total * share
        if len(parts) > 1:
            # the last part takes the float residue so the parts add up to the total
            parts[-1] = total - math.fsum(parts[:-1])
        return parts
    units_f = total / round_to
    n_units = int(round(units_f))
    if abs(units_f - n_units) > 1e-6 * max(1.0, abs(units_f)):
        raise ParameterError(
            f"{what}: the target {total!r} is not a multiple of round_to={round_to!r}, so rounded parts cannot add "
            "up to it exactly; round the target first or pass round_to=None."
        )
    raw = n_units * share
    base = np.floor(raw + 1e-9).astype(np.int64)
    rest = n_units - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    decimals = max(0, math.ceil(-math.log10(round_to) - 1e-9))
    return np.round(base * round_to, decimals)


def check_round_to(round_to: Any) -> float | None:
    if round_to is None:
        return None
    try:
        r = float(round_to)
    except (TypeError, ValueError):
        raise ParameterError(f"round_to={round_to!r} is not a number; use e.g. 0.01 (cents), 1, or None.") from None
    if not (r > 0) or not np.isfinite(r):
        raise ParameterError(f"round_to={round_to!r} must be > 0; use e.g. 0.01 (cents), 1, or None (no rounding).")
    return r
