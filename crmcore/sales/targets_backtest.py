"""How good is the weight-index month forecast? A backtest on past months against a plain run rate (MAPE).

For each past month and forecast day the weights come only from the weeks before the month (no look-ahead).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.results import Result
from crmcore.sales import targets_plots
from crmcore.sales.targets_checks import as_daily, as_month, check_missing, check_weekly_index, complete_days
from crmcore.sales.targets_text import COLUMNS, LABELS, backtest_sentences
from crmcore.sales.targets_weights import history_period, weight_index

__all__ = ["COLUMNS", "LABELS", "Backtest", "backtest"]


def backtest(daily_sales: Any, *, days: Sequence[int] = (7, 14, 21), months: Sequence[Any] | None = None,
             weekly_index: float | str = 7, window_weeks: int = 52, min_weeks: int = 4, missing: str = "error",
             holidays: Any = None, value: str = "revenue") -> Backtest:
    """Backtest the weight-index month forecast against a naive run-rate forecast.

    For each past month (default: every complete month with at least ``min_weeks`` whole weeks
    of history before it) and each forecast day d in ``days``: the weights come from up to
    ``window_weeks`` whole weeks before the month (no look-ahead); the weight forecast is
    Σ sales of days 1..d ÷ (Σ w of days 1..d ÷ W); the run-rate forecast is
    Σ sales of days 1..d ÷ d × days in month. APE = |forecast − actual| ÷ actual,
    MAPE = mean APE × 100 over months.
    """
    k = check_weekly_index(weekly_index)
    missing = check_missing(missing)
    s = as_daily(daily_sales, value=value)
    if s.empty:
        raise DataError("daily_sales is empty; the backtest needs daily sales history.")
    try:
        days_t = tuple(sorted({int(d) for d in days}))
    except (TypeError, ValueError):
        raise ParameterError(f"days={days!r} must be day numbers like (7, 14, 21).") from None
    if not days_t or days_t[0] < 1 or days_t[-1] > 28:
        raise ParameterError(f"days={days!r} must be days of the month between 1 and 28.")
    if int(window_weeks) < int(min_weeks) or int(min_weeks) < 1:
        raise ParameterError(f"need 1 ≤ min_weeks ≤ window_weeks; got min_weeks={min_weeks}, window_weeks={window_weeks}.")
    first, last = s.index.min(), s.index.max()
    if months is None:
        cand = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
        ps = [p for p in cand if p.start_time >= first + pd.Timedelta(days=7 * int(min_weeks))
              and p.end_time.normalize() <= last]
    else:
        ps = [as_month(m, "months") for m in months]
    if not ps:
        raise DataError(f"daily_sales from {first.date()} to {last.date()} has no complete month with "
                        f"{min_weeks} weeks of history before it; the backtest needs a longer history.")
    full, _ = complete_days(s, first, last, missing, "daily_sales")
    rows = []
    for p in ps:
        m_first, m_last = p.start_time, p.end_time.normalize()
        avail = (m_first - first).days // 7
        if m_last > last or avail < int(min_weeks):
            raise DataError(f"month {p}: needs {min_weeks} whole weeks of history before it and all its days "
                            f"(data run {first.date()} to {last.date()}).")
        hstart, hend = history_period(m_first, weeks=min(int(window_weeks), avail))
        wi = weight_index(full, weekly_index=k, period=(hstart, hend), missing=missing, holidays=holidays)
        w = wi.month_days(p)
        actual_days = full.loc[m_first:m_last]
        actual = float(actual_days.sum())
        if actual <= 0:
            raise DomainError(f"month {p} sold 0, so percentage errors are undefined; leave it out with months=.")
        cum_s, cum_w, W = actual_days.cumsum().to_numpy(), w.cumsum().to_numpy(), float(w.sum())
        for d in days_t:
            # a forecast from days whose weights are all 0 is undefined: NaN, left out of the MAPE
            wf = cum_s[d - 1] / (cum_w[d - 1] / W) if cum_w[d - 1] > 0 else np.nan
            rows.append({"month": str(p), "day": d, "actual": actual, "weight_forecast": wf,
                         "run_rate_forecast": cum_s[d - 1] / d * p.days_in_month})
    t = pd.DataFrame(rows)
    t["ape_weight"] = (t["weight_forecast"] - t["actual"]).abs() / t["actual"]
    t["ape_run_rate"] = (t["run_rate_forecast"] - t["actual"]).abs() / t["actual"]
    # both methods are scored on the same months: those where the weight forecast is defined
    summary = t.loc[t["weight_forecast"].notna()].groupby("day", as_index=False).agg(months=("month", "size"), mape_weight=("ape_weight", "mean"),
                                                    mape_run_rate=("ape_run_rate", "mean"))
    summary[["mape_weight", "mape_run_rate"]] *= 100
    return Backtest(table=t, summary=summary, weekly_index=k, window_weeks=int(window_weeks), days=days_t,
                    missing=missing)


@dataclass(frozen=True, eq=False, repr=False)
class Backtest(Result):
    """How far off the month forecast made on given days was, on past months (MAPE)."""

    table: pd.DataFrame
    summary: pd.DataFrame
    weekly_index: float | str
    window_weeks: int
    days: tuple[int, ...]
    missing: str = "error"
    method: str = "weights from the window_weeks whole weeks before each month; APE = |F - actual| / actual"
    title: str = "Forecast backtest (预测回测)"
    _conventions = ("method", "window_weeks", "days", "missing")

    def to_frame(self) -> pd.DataFrame:
        return self.summary.copy()

    def plot(self, ax=None, lang: str = "en"):
        return targets_plots.plot_backtest(self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> list[str]:
        return backtest_sentences(self, lang)
