"""The weight index (权重指数) of 黄成明's method: day weights per weekday from daily sales.

Daily sales from transactions (:func:`daily_sales`, per unit :func:`sales_by`), the history period of whole
weeks (:func:`history_period`), the weekly weight index K (:func:`weekly_index_choice`), the day weight index
of each weekday (:func:`weight_index` → :class:`WeightIndex`, which also gives day and month weights) and the
unit weight value (:func:`unit_weight_value`). The formulas are in :mod:`crmcore.sales.targets`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import WEEKDAYS
from crmcore.results import Result
from crmcore.sales import targets_plots
from crmcore.sales.targets_checks import (as_daily, as_date, as_month, check_missing, check_weekly_index,
                                          complete_days, read_holidays)
from crmcore.sales.targets_text import COLUMNS, LABELS, weight_sentences

__all__ = ["COLUMNS", "LABELS", "WeightIndex", "daily_sales", "history_period", "sales_by", "unit_weight_value",
           "weekly_index_choice", "weight_index"]


def weekly_index_choice(rule: str, weekly_index: float = 7) -> float | str:
    """The ``weekly_index=`` argument from a notebook's two parameters: ``rule`` "derived" (K from the
    data, 黄成明's way) or "fixed" (K = ``weekly_index``, 7..14)."""
    if rule == "derived":
        return "derived"
    if rule == "fixed":
        return check_weekly_index(weekly_index)
    raise ParameterError(f"weekly_index_rule={rule!r}: use 'derived' (K read from the data, the weakest weekday = 1) "
                         "or 'fixed' (K = weekly_index, between 7 and 14).")


def daily_sales(tx: Any, *, value: str = "revenue") -> pd.Series:
    """Daily sales (date → ``value``) from canonical transactions, via the engine.

    Days with no sales have no row; the weight functions fill or reject them (``missing=``).
    ``value`` is a column of :func:`crmcore.engine.periodic_sales`: "revenue" (default),
    "orders", "customers" or "quantity".
    """
    if value not in ("revenue", "orders", "customers", "quantity"):
        raise ParameterError(f"value={value!r}: use 'revenue', 'orders', 'customers' or 'quantity'.")
    from crmcore import engine  # the engine (ibis) loads only when transactions come in

    df = engine.periodic_sales(tx, freq="D")
    s = pd.Series(df[value].to_numpy(dtype=float), index=pd.DatetimeIndex(df["period"]).normalize(), name=value)
    s.index.name = "date"
    return s.sort_index()


def sales_by(tx: Any, *, by: str, start: Any, end: Any, value: str = "revenue") -> pd.Series:
    """Sales per unit (region, channel...) between ``start`` and ``end`` inclusive, via the engine.

    The input of a space or plan comparison (:func:`compare`) and of unit shares in
    :func:`decompose_target`.
    """
    from crmcore import engine

    lo, hi = as_date(start, "start"), as_date(end, "end")
    df = engine.periodic_sales(tx, freq="D", by=by)
    if value not in df.columns:
        raise ParameterError(f"value={value!r}: use 'revenue', 'orders', 'customers' or 'quantity'.")
    d = pd.DatetimeIndex(df["period"]).normalize()
    out = df.loc[(d >= lo) & (d <= hi)].groupby(by)[value].sum().astype(float).sort_index()
    out.index = out.index.astype(str)
    return out


def history_period(before: Any, *, weeks: int = 52, not_before: Any = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``weeks`` whole weeks that end the day before ``before`` (a date or a month's first day).

    Whole weeks give every weekday the same number of days, so the seven day weights sum to K.
    ``not_before`` (the first day of the data): fewer whole weeks when the data do not reach back
    ``weeks`` weeks, so days before the data are never counted as days without sales.
    """
    if isinstance(before, (str, pd.Period)) and len(str(before)) == 7:
        end = as_month(before).start_time - pd.Timedelta(days=1)
    else:
        end = as_date(before, "before") - pd.Timedelta(days=1)
    if int(weeks) < 1:
        raise ParameterError(f"weeks={weeks!r} must be at least 1.")
    if not_before is not None:
        avail = ((end - as_date(not_before, "not_before")).days + 1) // 7
        if avail < 1:
            raise DataError(f"the data start on {as_date(not_before, 'not_before').date()}, less than one whole week "
                            f"before {(end + pd.Timedelta(days=1)).date()}; the weights need at least one week of history.")
        weeks = min(int(weeks), avail)
    return end - pd.Timedelta(days=7 * int(weeks) - 1), end


def weight_index(daily_sales: Any, *, weekly_index: float | str = 7, period: tuple[Any, Any] | None = None,
                 missing: str = "error", holidays: Any = None, value: str = "revenue") -> WeightIndex:
    """Day weight index (日权重指数) of each weekday from daily sales.

    ``w_N = (mean daily sales on weekday N ÷ average weekly sales) × K`` with
    average weekly sales = Σ sales of the period ÷ (days in the period ÷ 7) and K the
    weekly weight index (周权重指数). Uniform sales give every w_N = K/7.

    Parameters
    ----------
    daily_sales : Series date → sales, or the DataFrame of ``engine.periodic_sales(tx, freq="D")``.
    weekly_index : ``"derived"`` — K read from the data as 黄成明 (2014) does it: the weakest weekday
        (lowest mean daily sales above 0) gets w = 1.0, so w_N = mean_N ÷ weakest mean and
        K = average weekly sales ÷ weakest mean (= the sum of the seven weights over whole weeks;
        "usually between 7 and 14"); a weekday that never sells gets 0 and a warning.
        Or a number 7 ≤ K ≤ 14 (default 7): a fixed scale. Targets and forecasts are the same either
        way; the unit weight value is not (it is measured in units of weight).
    period : (start, end), inclusive; default the first to the last date in ``daily_sales``.
        Use whole weeks (see :func:`history_period`) so the seven weights sum to K exactly.
    missing : "error" (default) — a day in the period without a sales row stops with the list of
        such days; "zero" — the shop was open and sold nothing, the day counts as 0.
    holidays : optional DataFrame (date, weight[, name]) or dict date → weight. Those dates take
        the given weight in month weights and daily targets, and are left out of the estimation
        (both the weekday means and the average weekly sales), so they do not distort the weekdays.
        A holiday's weight is on the scale of the weekday weights: with ``"derived"`` it is a multiple
        of the weakest weekday, with K = 7 a multiple of an average day.
    value : the sales column when ``daily_sales`` is a DataFrame.
    """
    k = check_weekly_index(weekly_index)
    missing = check_missing(missing)
    s = as_daily(daily_sales, value=value)
    hol = read_holidays(holidays)
    if period is None:
        if s.empty:
            raise DataError("daily_sales is empty; the weight index needs at least one week of daily sales.")
        start, end = s.index.min(), s.index.max()
    else:
        if not isinstance(period, (tuple, list)) or len(period) != 2:
            raise ParameterError(f"period={period!r} must be a (start, end) pair of dates, e.g. ('2024-01-01', '2024-12-29').")
        start, end = as_date(period[0], "period start"), as_date(period[1], "period end")
        if end < start:
            raise ParameterError(f"period={period!r} ends before it starts.")
    skip = pd.DatetimeIndex(hol["date"]) if hol is not None else None
    full, n_filled = complete_days(s, start, end, missing, "daily_sales", skip=skip)
    if skip is not None:
        full = full.loc[~full.index.isin(skip)]
    n_days = len(full)
    counts = np.bincount(full.index.day_of_week, minlength=7)
    if (counts == 0).any():
        absent = [WEEKDAYS["en"][i] for i in np.flatnonzero(counts == 0)]
        raise DataError(
            f"daily_sales: the period {start.date()} to {end.date()} has no {', '.join(absent)} "
            "(outside holidays), so their day weights cannot be estimated; use a period of whole weeks."
        )
    total = float(full.sum())
    if total <= 0:
        raise DomainError(f"daily_sales: total sales between {start.date()} and {end.date()} are 0; "
                          "the weights need a period with sales.")
    avg_weekly = total / (n_days / 7)
    sums = np.bincount(full.index.day_of_week, weights=full.to_numpy(), minlength=7)
    means = sums / counts
    warns = []
    rule = "fixed"
    if k == "derived":
        rule = "derived"
        weakest = float(means[means > 0].min())
        k = avg_weekly / weakest
        if (means <= 0).any():
            zero = [WEEKDAYS["en"][i] for i in np.flatnonzero(means <= 0)]
            warns.append(f"{', '.join(zero)} never sold in the period, so their day weight is 0 and the weakest "
                         "weekday with sales gets 1.0")
    weights = means / avg_weekly * k
    table = pd.DataFrame({"weekday": range(7), "label": WEEKDAYS["en"], "days": counts, "total_sales": sums,
                          "mean_daily_sales": means, "day_weight": weights})
    if counts.max() != counts.min():
        warns.append(
            f"the period has {n_days} days, not whole weeks, so weekdays have {counts.min()}-{counts.max()} days "
            f"each and the seven weights sum to {weights.sum():.4f}, not K={k:g}"
        )
    return WeightIndex(table=table, weekly_index=float(k), start=start, end=end, n_days=n_days, total_sales=total,
                       avg_weekly_sales=avg_weekly, holidays=hol, missing=missing, n_filled=n_filled,
                       warnings=tuple(warns), weekly_index_rule=rule)


def unit_weight_value(sales: Any, weights: Any) -> float:
    """Unit weight value (单位权重值) = Σ daily sales ÷ Σ day weights over the same days.

    ``sales`` are daily sales over any span of days (every day present); ``weights`` a WeightIndex.
    """
    wi = check_weights(weights)
    s = as_daily(sales, name="sales")
    if s.empty:
        raise DataError("sales is empty; give the daily sales of the days to value.")
    s, _ = complete_days(s, s.index.min(), s.index.max(), "error", "sales")
    w = wi.day_weights(s.index.min(), s.index.max())
    den = float(w.sum())
    if den <= 0:
        raise DomainError("the day weights of these days sum to 0; the unit weight value is undefined.")
    return float(s.sum()) / den


@dataclass(frozen=True, eq=False, repr=False)
class WeightIndex(Result):
    """Day weight index per weekday (and per holiday), estimated from daily sales.

    ``table`` has one row per weekday (0 = Monday): days, total and mean daily sales, day weight.
    """

    table: pd.DataFrame
    weekly_index: float
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    n_days: int
    total_sales: float
    avg_weekly_sales: float
    holidays: pd.DataFrame | None = None
    missing: str = "error"
    n_filled: int = 0
    warnings: tuple[str, ...] = ()
    weekly_index_rule: str = "fixed"
    method: str = "weight index: w_N = mean sales on weekday N / (total sales / (days / 7)) * K"
    title: str = "Day weight index (日权重指数)"
    _conventions = ("method", "weekly_index_rule", "weekly_index", "start", "end", "missing")

    @property
    def n_weeks(self) -> float:
        return self.n_days / 7

    @property
    def weekday_weights(self) -> pd.Series:
        """Day weight index per weekday (index 0 = Monday ... 6 = Sunday)."""
        return self.table.set_index("weekday")["day_weight"]

    @classmethod
    def from_weekday_weights(cls, weights: Sequence[float], *, weekly_index: float | None = None,
                             holidays: Any = None) -> "WeightIndex":
        """A weight index from seven given day weights (Monday first), e.g. from a spreadsheet."""
        w = np.asarray(list(weights), dtype=float)
        if w.shape != (7,) or not np.all(np.isfinite(w)) or (w < 0).any():
            raise ParameterError(f"weights must be seven numbers ≥ 0, Monday first; got {list(weights)!r}.")
        k = float(w.sum()) if weekly_index is None else float(weekly_index)
        table = pd.DataFrame({"weekday": range(7), "label": WEEKDAYS["en"], "days": 0, "total_sales": np.nan,
                              "mean_daily_sales": np.nan, "day_weight": w})
        return cls(table=table, weekly_index=k, start=None, end=None, n_days=0, total_sales=float("nan"),
                   avg_weekly_sales=float("nan"), holidays=read_holidays(holidays), method="given weekday weights")

    def day_weights(self, start: Any, end: Any) -> pd.Series:
        """Day weight index of every date start..end (holidays take their own weight)."""
        days = pd.date_range(as_date(start, "start"), as_date(end, "end"), freq="D", name="date")
        w = pd.Series(self.weekday_weights.to_numpy()[days.day_of_week], index=days, name="day_weight")
        if self.holidays is not None:
            h = self.holidays.set_index("date")["weight"]
            hit = days.intersection(h.index)
            w.loc[hit] = h.loc[hit].to_numpy()
        return w

    def month_days(self, month: Any) -> pd.Series:
        """Day weights of the days of ``month`` ('2025-06')."""
        p = as_month(month)
        return self.day_weights(p.start_time, p.end_time.normalize())

    def month_weight(self, month: Any) -> float:
        """Month weight index (月权重指数): the sum of the day weights of the month's days."""
        return float(self.month_days(month).sum())

    def month_weights(self, year: int) -> pd.DataFrame:
        """Month weight index of every month of ``year``, with its share of the year's weight."""
        rows = []
        for m in range(1, 13):
            p = pd.Period(year=int(year), month=m, freq="M")
            rows.append({"month": str(p), "days": p.days_in_month, "month_weight": self.month_weight(p)})
        df = pd.DataFrame(rows)
        df["share"] = df["month_weight"] / df["month_weight"].sum()
        return df

    def to_frame(self) -> pd.DataFrame:
        out = self.table.copy()
        out["uniform_weight"] = self.weekly_index / 7
        return out

    def plot(self, ax=None, lang: str = "en"):
        return targets_plots.plot_weights(self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> list[str]:
        """Sentences about the weights, generated from the numbers."""
        return weight_sentences(self, lang)


def check_weights(weights: Any) -> WeightIndex:
    """``weights`` itself when it is a WeightIndex, else a ParameterError that says where one comes from."""
    if not isinstance(weights, WeightIndex):
        raise ParameterError(
            f"weights must be a WeightIndex from crmcore.targets.weight_index(...), not {type(weights).__name__}."
        )
    return weights
