"""Daily targets and tracking of one month by the weight index: targets, forecast, day-by-day tracking.

The month to track (:func:`report_period`) and what the data cover (:func:`data_summary`); daily sales
targets ``target_d = T × w_d ÷ W`` (:func:`daily_targets`), the month sales forecast
``F = Σ sales so far ÷ (Σ w so far ÷ W)`` (:func:`forecast_month`), tracking against the target with the
best and worst days (:func:`track`), and one month under several weekly indices K
(:func:`compare_weekly_index`). The formulas are in :mod:`crmcore.sales.targets`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import WEEKDAYS, check_lang
from crmcore.results import Result
from crmcore.sales import targets_plots
from crmcore.sales.targets_checks import (allocate, as_daily, as_date, as_month, check_amount, check_missing,
                                          check_round_to, complete_days)
from crmcore.sales.targets_text import (COLUMNS, LABELS, RESULT_COLUMNS, daily_target_sentences,
                                        forecast_sentences, phrase, tracking_sentences)
from crmcore.sales.targets_weights import WeightIndex, check_weights

__all__ = ["COLUMNS", "LABELS", "DailyTargets", "MonthForecast", "Tracking", "compare_weekly_index", "daily_targets",
           "data_summary", "forecast_month", "report_period", "track"]


def report_period(daily_sales: Any, *, month: Any = "", asof: Any = "") -> tuple[str, pd.Timestamp]:
    """The month to track and the last day counted, derived from the data when not given.

    ``asof`` is the snapshot date (sales *before* it are counted; empty: the day after the last
    day with sales). ``month`` empty: the month of the last day counted. A given month that ends
    before the snapshot is tracked to its last day; one that has not started by it is refused.
    """
    s = as_daily(daily_sales)
    if s.empty:
        raise DataError("daily_sales is empty; there is no month to track.")
    first, last = s.index.min(), s.index.max()
    snap = as_date(asof, "asof") if asof not in ("", None) else last + pd.Timedelta(days=1)
    day = snap - pd.Timedelta(days=1)
    p = day.to_period("M") if month in ("", None) else as_month(month)
    span = f"the data run from {first.date()} to {last.date()}"
    if p.start_time > day:
        raise ParameterError(f"month={str(p)!r} has not started by asof={snap.date()} ({span}); leave month empty "
                             f"for {day.to_period('M')} or pick a month up to it.")
    if p.end_time.normalize() < first:
        raise ParameterError(f"month={str(p)!r} lies before the data ({span}); leave month empty for "
                             f"{day.to_period('M')} or pick a month inside the data.")
    return str(p), min(day, p.end_time.normalize())


def data_summary(daily_sales: Any, month: Any, last_day: Any, lang: str = "en") -> pd.DataFrame:
    """What the daily sales cover and which month and days a report counts, as (figure, figure_value)."""
    check_lang(lang)
    s = as_daily(daily_sales)
    first, last = s.index.min(), s.index.max()
    span = (last - first).days + 1
    rows = [("say_days_with_sales", f"{len(s):,}"), ("say_days_without", f"{span - len(s):,}"),
            ("say_data_span", f"{first.date()} – {last.date()}"), ("say_month_tracked", str(as_month(month))),
            ("say_last_day", f"{as_date(last_day, 'last_day').date()}")]
    return pd.DataFrame([(phrase(k, lang), v) for k, v in rows], columns=["figure", "figure_value"])


def compare_weekly_index(daily_sales: Any, month: Any, last_day: Any, weights: Sequence[WeightIndex], *,
                         target: float = 1000.0, missing: str = "zero", lang: str = "en") -> pd.DataFrame:
    """The same month under several weight indices (e.g. derived K and K = 7), side by side: K, the
    month weight, the first day's target, the forecast and the unit weight value — the targets and the
    forecast agree, the weights and the unit weight value scale with K."""
    check_lang(lang)
    rows = {}
    for wi in weights:
        wi = check_weights(wi)
        f = forecast_month(daily_sales, month, wi, asof=last_day, missing=missing)
        t = daily_targets(target, month, wi)
        name = phrase("rule_derived" if wi.weekly_index_rule == "derived" else "rule_fixed", lang)
        rows[name] = {phrase("row_k", lang): f"{wi.weekly_index:,.3f}",
                      phrase("row_month_weight", lang): f"{wi.month_weight(month):,.3f}",
                      phrase("row_first_target", lang, T=target): f"{t.targets.iloc[0]:,.4f}",
                      phrase("forecast", lang): f"{f.forecast:,.2f}",
                      phrase("unit_weight_value", lang): f"{f.unit_weight_value:,.2f}"}
    return pd.DataFrame(rows)


def daily_targets(monthly_target: float, month: Any, weights: WeightIndex, *,
                  round_to: float | None = None) -> DailyTargets:
    """Daily sales targets: ``target_d = monthly target × w_d ÷ W`` (W = month weight index).

    The targets add up to the monthly target: exactly in cents (or any ``round_to`` unit) by
    largest-remainder rounding, or to float precision with ``round_to=None`` (the default).
    """
    T = check_amount(monthly_target, "monthly_target")
    wi = check_weights(weights)
    r = check_round_to(round_to)
    p = as_month(month)
    w = wi.month_days(p)
    W = float(w.sum())
    tg = allocate(T, w.to_numpy(), r, f"month {p}")
    table = pd.DataFrame({"date": w.index, "weekday": [WEEKDAYS["en"][d] for d in w.index.day_of_week],
                          "day_weight": w.to_numpy(), "share": w.to_numpy() / W, "target": tg})
    table["cum_target"] = table["target"].cumsum()
    return DailyTargets(table=table, month=str(p), monthly_target=T, month_weight=W, round_to=r)


def forecast_month(actual_to_date: Any, month: Any, weights: WeightIndex, *, asof: Any = None,
                   target: float | None = None, missing: str = "error", value: str = "revenue") -> MonthForecast:
    """Month sales forecast from any day of the month.

    ``F = Σ sales so far ÷ (Σ day weights so far ÷ W)`` = unit weight value × W.
    ``asof`` is the last day counted (default: the last date of ``actual_to_date`` in the month);
    every day from the 1st to ``asof`` needs a sales row unless ``missing="zero"``.
    """
    wi = check_weights(weights)
    missing = check_missing(missing)
    p = as_month(month)
    T = None if target is None else check_amount(target, "target")
    s = as_daily(actual_to_date, value=value, name="actual_to_date")
    sales, asof_ts = _month_actuals(s, p, asof, missing, "actual_to_date")
    return _forecast(sales, wi.month_days(p), p, asof_ts, T, missing)


def track(daily_sales: Any, month: Any, weights: WeightIndex, *, monthly_target: float, asof: Any = None,
          round_to: float | None = None, missing: str = "error", value: str = "revenue") -> Tracking:
    """Track a month against its target, day by day.

    Columns: date, weekday, day_weight, target, actual (NaN after ``asof``), cum_target,
    cum_actual, gap (= cum_actual − cum_target), forecast (the month forecast made on that day),
    unit_weight_value (Σ sales ÷ Σ weights to that day), expected (= unit weight value at
    ``asof`` × w_d, the weight-adjusted expectation) and index (= actual ÷ expected). The best and
    worst days (极值) are those with the highest and lowest index.
    """
    wi = check_weights(weights)
    missing = check_missing(missing)
    p = as_month(month)
    s = as_daily(daily_sales, value=value)
    sales, asof_ts = _month_actuals(s, p, asof, missing, "daily_sales")
    dt = daily_targets(monthly_target, p, wi, round_to=round_to)
    tab = dt.table.copy()
    n = len(sales)
    actual = np.full(len(tab), np.nan)
    actual[:n] = sales.to_numpy()
    tab["actual"] = actual
    tab["cum_actual"] = tab["actual"].cumsum()
    tab["gap"] = tab["cum_actual"] - tab["cum_target"]
    cum_w = tab["day_weight"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        tab["unit_weight_value"] = tab["cum_actual"] / cum_w
        tab["forecast"] = tab["unit_weight_value"] * dt.month_weight
    fc = _forecast(sales, tab.set_index("date")["day_weight"], p, asof_ts, dt.monthly_target, missing)
    # on the last day the forecast is the actual total (no float drift from the cumsum)
    if n == len(tab):
        tab.loc[tab.index[-1], "forecast"] = fc.forecast
    tab["expected"] = np.where(np.arange(len(tab)) < n, fc.unit_weight_value * tab["day_weight"], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        tab["index"] = np.where(tab["expected"] > 0, tab["actual"] / tab["expected"], np.nan)
    seen = tab.iloc[:n].dropna(subset=["index"])
    pick = lambda r: {"date": r["date"], "actual": float(r["actual"]), "expected": float(r["expected"]),
                      "index": float(r["index"])}
    best = pick(seen.loc[seen["index"].idxmax()]) if len(seen) else {}
    worst = pick(seen.loc[seen["index"].idxmin()]) if len(seen) else {}
    return Tracking(table=tab, month=str(p), asof=asof_ts, monthly_target=dt.monthly_target,
                    month_weight=dt.month_weight, forecast=fc, best_day=best, worst_day=worst,
                    round_to=dt.round_to, missing=missing)


@dataclass(frozen=True, eq=False, repr=False)
class DailyTargets(Result):
    """Daily sales targets (日销售目标) of one month: target_d = T × w_d ÷ W."""

    table: pd.DataFrame
    month: str
    monthly_target: float
    month_weight: float
    round_to: float | None = None
    method: str = "target_d = monthly target * day weight / month weight"
    title: str = "Daily sales targets (日销售目标)"
    _conventions = ("method", "round_to")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def targets(self) -> pd.Series:
        return self.table.set_index("date")["target"]

    def plot(self, ax=None, lang: str = "en"):
        return targets_plots.plot_daily_targets(self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> list[str]:
        return daily_target_sentences(self, lang)


@dataclass(frozen=True, eq=False, repr=False)
class MonthForecast(Result):
    """Month sales forecast (月销售预测值) from the days so far: F = Σ sales ÷ (Σ w so far ÷ W)."""

    month: str
    asof: pd.Timestamp
    days_elapsed: int
    days_in_month: int
    sales_to_date: float
    weight_to_date: float
    month_weight: float
    unit_weight_value: float
    forecast: float
    run_rate_forecast: float
    target: float | None = None
    missing: str = "error"
    method: str = "F = sales to date / (weights to date / month weight)"
    title: str = "Month sales forecast (月销售预测值)"
    _conventions = ("method", "missing")
    _columns = RESULT_COLUMNS

    @property
    def weight_share(self) -> float:
        return self.weight_to_date / self.month_weight

    @property
    def achievement(self) -> float | None:
        return None if not self.target else self.forecast / self.target

    def to_frame(self) -> pd.DataFrame:
        d = {"month": self.month, "asof": self.asof, "days_elapsed": self.days_elapsed,
             "days_in_month": self.days_in_month, "sales_to_date": self.sales_to_date,
             "weight_to_date": self.weight_to_date, "month_weight": self.month_weight,
             "weight_share": self.weight_share, "unit_weight_value": self.unit_weight_value,
             "forecast": self.forecast, "run_rate_forecast": self.run_rate_forecast}
        if self.target is not None:
            d.update(target=self.target, forecast_achievement=self.achievement)
        return pd.DataFrame([d])

    def key_figures(self, lang: str = "en") -> pd.DataFrame:
        """The forecast's numbers as a two-column table (figure, figure_value) written for a reader."""
        check_lang(lang)
        rows = [("days_elapsed", f"{self.days_elapsed} / {self.days_in_month}"),
                ("sales_to_date", f"{self.sales_to_date:,.2f}"),
                ("weight_to_date", f"{self.weight_to_date:,.2f} / {self.month_weight:,.2f}"),
                ("weight_share", f"{self.weight_share:.1%}"),
                ("unit_weight_value", f"{self.unit_weight_value:,.2f}"),
                ("forecast", f"{self.forecast:,.2f}"),
                ("run_rate_forecast", f"{self.run_rate_forecast:,.2f}")]
        if self.target:
            rows += [("target", f"{self.target:,.2f}"), ("forecast_achievement", f"{self.achievement:.1%}")]
        return pd.DataFrame([(COLUMNS[k][lang], v) for k, v in rows], columns=["figure", "figure_value"])

    def interpret(self, lang: str = "en") -> list[str]:
        return forecast_sentences(self, lang)


@dataclass(frozen=True, eq=False, repr=False)
class Tracking(Result):
    """Day-by-day tracking of a month: actual, target, cumulative gap, forecast, extremes (极值)."""

    table: pd.DataFrame
    month: str
    asof: pd.Timestamp
    monthly_target: float
    month_weight: float
    forecast: MonthForecast
    best_day: dict
    worst_day: dict
    round_to: float | None = None
    missing: str = "error"
    method: str = "expected_d = unit weight value to date * w_d; index = actual / expected"
    title: str = "Target tracking (目标跟踪)"
    _conventions = ("method", "round_to", "missing")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self, ax=None, lang: str = "en", kind: str = "cumulative"):
        plots = {"cumulative": targets_plots.plot_cumulative, "unit_weight": targets_plots.plot_unit_weight,
                 "daily": targets_plots.plot_daily}
        if kind not in plots:
            raise ParameterError(f"kind={kind!r}: use one of {', '.join(map(repr, plots))}.")
        return plots[kind](self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> list[str]:
        return tracking_sentences(self, lang)


def _month_actuals(s: pd.Series, p: pd.Period, asof: Any, missing: str, name: str) -> tuple[pd.Series, pd.Timestamp]:
    first, last = p.start_time, p.end_time.normalize()
    in_month = s.loc[(s.index >= first) & (s.index <= last)]
    if asof is None:
        if in_month.empty:
            raise DataError(f"{name}: the month {p} has no sales history (no day between {first.date()} and "
                            f"{last.date()}); pass the daily sales of the month so far.")
        asof_ts = in_month.index.max()
    else:
        asof_ts = as_date(asof, "asof")
        if not (first <= asof_ts <= last):
            raise ParameterError(f"asof={asof!r} is not a day of {p}; choose a date between {first.date()} and {last.date()}.")
        in_month = in_month.loc[in_month.index <= asof_ts]
        if in_month.empty:
            raise DataError(f"{name}: the month {p} has no sales history up to {asof_ts.date()}; "
                            "there is nothing to forecast from.")
    full, _ = complete_days(in_month, first, asof_ts, missing, name)
    return full, asof_ts


def _forecast(sales: pd.Series, w_month: pd.Series, p: pd.Period, asof: pd.Timestamp, target: float | None,
              missing: str) -> MonthForecast:
    W = float(w_month.sum())
    n = len(sales)
    w_so_far = float(w_month.iloc[:n].sum())
    if w_so_far <= 0:
        raise DomainError(f"the day weights of {p} up to {asof.date()} sum to 0, so the forecast is undefined.")
    total = float(sales.sum())
    # on the last day w_so_far == W (same sum), so the forecast is the month's actual total
    F = total / (w_so_far / W)
    return MonthForecast(month=str(p), asof=asof, days_elapsed=n, days_in_month=p.days_in_month,
                         sales_to_date=total, weight_to_date=w_so_far, month_weight=W,
                         unit_weight_value=total / w_so_far, forecast=F,
                         run_rate_forecast=total / n * p.days_in_month, target=target, missing=missing)
