"""The charts of the weight-index method (:mod:`crmcore.sales.targets`), seaborn-styled, every word in ``lang``.

Each result's ``plot`` calls one of these; they take the result and read its numbers (the result modules
are imported for type hints only).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.ticker import FuncFormatter

from crmcore.labels import WEEKDAYS, check_lang, text
from crmcore.labels import value as _value
from crmcore.plotting import new_ax
from crmcore.sales.targets_text import basis_label, phrase

if TYPE_CHECKING:
    from crmcore.sales.targets_backtest import Backtest
    from crmcore.sales.targets_compare import Comparison
    from crmcore.sales.targets_plan import TargetPlan
    from crmcore.sales.targets_tracking import DailyTargets, Tracking
    from crmcore.sales.targets_weights import WeightIndex


def _thousands(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def plot_weights(weights: WeightIndex, ax=None, lang: str = "en"):
    """Bar chart of the day weight index per weekday, with the uniform level K/7."""
    check_lang(lang)
    ax = new_ax(ax)
    w = weights.weekday_weights
    ax.bar(WEEKDAYS[lang], w.to_numpy(), color="#4C72B0")
    ax.axhline(weights.weekly_index / 7, color="grey", ls="--", lw=1,
               label=phrase("average_day" if weights.weekly_index_rule == "derived" else "uniform", lang))
    ax.set_ylabel(phrase("day_weight", lang))
    ax.set_title(phrase("title_weights", lang) + f" (K = {weights.weekly_index:.2f})")
    ax.legend()
    return ax


def plot_cumulative(tracking: Tracking, ax=None, lang: str = "en"):
    """Cumulative actual vs cumulative target, and the forecast path to the month end."""
    check_lang(lang)
    ax = new_ax(ax)
    t = tracking.table
    day = t["date"].dt.day
    n = tracking.forecast.days_elapsed
    ax.plot(day, t["cum_target"], color="grey", ls="--", label=phrase("cum_target", lang))
    ax.plot(day[:n], t["cum_actual"][:n], color="#4C72B0", marker="o", ms=3, label=phrase("cum_actual", lang))
    if n < len(t):
        # forecast path: actual so far, then unit weight value × the remaining day weights
        path = t["cum_actual"].iloc[n - 1] + tracking.forecast.unit_weight_value * t["day_weight"].iloc[n:].cumsum()
        ax.plot(np.r_[day.iloc[n - 1], day.iloc[n:]], np.r_[t["cum_actual"].iloc[n - 1], path], color="#DD8452",
                ls=":", lw=2, label=phrase("forecast_path", lang))
    ax.scatter([day.iloc[-1]], [tracking.forecast.forecast], color="#DD8452", zorder=3,
               label=f"{phrase('forecast', lang)} {tracking.forecast.forecast:,.0f}")
    ax.set_xlabel(phrase("day_of_month", lang))
    ax.set_ylabel(phrase("sales", lang))
    _thousands(ax)
    ax.set_title(f"{phrase('title_cumulative', lang)} — {tracking.month}")
    ax.legend()
    return ax


def plot_unit_weight(tracking: Tracking, ax=None, lang: str = "en"):
    """Unit weight value curve (单位权重曲线): each day's sales ÷ its weight, and the running value."""
    check_lang(lang)
    ax = new_ax(ax)
    t = tracking.table.iloc[: tracking.forecast.days_elapsed]
    day = t["date"].dt.day
    with np.errstate(divide="ignore", invalid="ignore"):
        daily = t["actual"] / t["day_weight"]
    ax.scatter(day, daily, color="#4C72B0", s=14, label=phrase("daily_uwv", lang))
    ax.plot(day, t["unit_weight_value"], color="#4C72B0", label=phrase("cum_uwv", lang))
    ax.axhline(tracking.monthly_target / tracking.month_weight, color="#C44E52", ls="--", lw=1,
               label=phrase("target_uwv", lang))
    ax.set_xlabel(phrase("day_of_month", lang))
    ax.set_ylabel(phrase("unit_weight_value", lang))
    _thousands(ax)
    ax.set_title(f"{phrase('title_uwv', lang)} — {tracking.month}")
    ax.legend(fontsize="small", framealpha=0.8)
    return ax


def plot_daily(tracking: Tracking, ax=None, lang: str = "en"):
    """Daily sales as bars with each day's target as a marker; best and worst days outlined."""
    check_lang(lang)
    ax = new_ax(ax)
    t = tracking.table
    day = t["date"].dt.day
    ax.bar(day, t["actual"].fillna(0), color="#4C72B0", alpha=0.8, label=text("actual", lang))
    ax.scatter(day, t["target"], marker="_", s=150, color="#C44E52", zorder=3, label=phrase("daily_target", lang))
    for d, c in ((tracking.best_day, "#55A868"), (tracking.worst_day, "#C44E52")):
        if d:
            ax.bar([d["date"].day], [d["actual"]], fill=False, edgecolor=c, lw=2)
    ax.set_xlabel(phrase("day_of_month", lang))
    ax.set_ylabel(phrase("sales", lang))
    _thousands(ax)
    ax.set_title(f"{phrase('title_daily', lang)} — {tracking.month}")
    ax.legend()
    return ax


def plot_comparison(comparison: Comparison, ax=None, lang: str = "en", title: str | None = None):
    """Horizontal bars of the percentage difference per item, one colour per basis.

    ``title`` names what is compared (e.g. "Revenue by region, 2025, against the mean of regions");
    the default names the kind of comparison and its basis.
    """
    check_lang(lang)
    ax = new_ax(ax)
    t = comparison.table.dropna(subset=["pct_difference"])
    items = list(dict.fromkeys(t["item"]))
    bases = list(dict.fromkeys(t["basis"]))
    h = 0.8 / len(bases)
    pos = {it: k for k, it in enumerate(items)}
    colours = ["#4C72B0", "#DD8452", "#55A868", "#C44E52"]
    for b, basis in enumerate(bases):
        g = t.loc[t["basis"] == basis]
        y = np.array([pos[i] for i in g["item"]]) - 0.4 + h * (b + 0.5)
        ax.barh(y, g["pct_difference"] * 100, height=h, color=colours[b % 4], label=basis_label(basis, lang))
    ax.set_yticks(range(len(items)), [str(_value(i, lang)) for i in items])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(phrase("difference_pct", lang))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if title is None:
        ref = next((b[3:] for b in bases if b.startswith("vs ")), None)
        key = f"title_compare_{comparison.kind}" + ("_ref" if comparison.kind == "space" and ref else "")
        title = phrase(key, lang, ref=_value(ref, lang)) if ref and key.endswith("_ref") else phrase(key, lang)
    ax.set_title(title)
    ax.legend(fontsize="small", loc="best")
    return ax


def plot_backtest(bt: Backtest, ax=None, lang: str = "en"):
    """MAPE of the weight-index and run-rate month forecasts by forecast day."""
    check_lang(lang)
    ax = new_ax(ax)
    sm = bt.summary
    x = np.arange(len(sm))
    ax.bar(x - 0.2, sm["mape_weight"], width=0.4, label=phrase("method_weight", lang), color="#4C72B0")
    ax.bar(x + 0.2, sm["mape_run_rate"], width=0.4, label=phrase("method_run_rate", lang), color="#DD8452")
    ax.set_xticks(x, [str(d) for d in sm["day"]])
    ax.set_xlabel(phrase("forecast_day", lang))
    ax.set_ylabel(phrase("mape", lang))
    ax.set_title(phrase("title_backtest", lang))
    ax.legend()
    return ax


def plot_daily_targets(dt: DailyTargets, ax=None, lang: str = "en"):
    """The month's daily targets as bars."""
    check_lang(lang)
    ax = new_ax(ax)
    t = dt.table
    ax.bar(t["date"].dt.day, t["target"], color="#4C72B0")
    ax.set_xlabel(phrase("day_of_month", lang))
    ax.set_ylabel(phrase("daily_target", lang))
    _thousands(ax)
    ax.set_title(f"{phrase('daily_target', lang)} — {dt.month}")
    return ax


def plot_plan_months(plan: TargetPlan, ax=None, lang: str = "en"):
    """The year's target per month (all units together), as bars."""
    check_lang(lang)
    ax = new_ax(ax)
    m = plan.months.groupby("month")["target"].sum()
    ax.bar([str(x) for x in m.index], m.to_numpy(), color="#4C72B0")
    ax.set_ylabel(phrase("plan_target", lang))
    ax.tick_params(axis="x", rotation=45)
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_title(phrase("title_plan_months", lang, year=plan.year, T=plan.annual_target))
    return ax
