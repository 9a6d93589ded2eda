"""Self-checks for the exercises of notebook 09_sales_targets (see :func:`crmcore.exercises.verdict`)."""
from __future__ import annotations

import math
from typing import Any

from . import verdict


def _close(answer: Any, want: float, rel: float = 1e-6) -> bool:
    try:
        return math.isclose(float(answer), want, rel_tol=rel, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def check_1(answer: Any, *, sales: Any, month: str, last_day: Any, period: tuple, weekly_index: float = 10,
            missing: str = "zero", lang: str = "en") -> bool:
    """Exercise 1: the unit weight value of the month so far with a fixed K (default 10)."""
    from crmcore.sales import targets as tg

    w = tg.weight_index(sales, weekly_index=weekly_index, missing=missing, period=period)
    want = tg.forecast_month(sales, month, w, asof=last_day, missing=missing).unit_weight_value
    return verdict(_close(answer, want), lang,
                   right=(f"Right: with K = {weekly_index:g} the unit weight value is {want:,.2f}; the targets and the "
                          "forecast are the same as with any other K.",
                          f"正确：K = {weekly_index:g} 时单位权重值为 {want:,.2f}；日目标和月预测与取其他 K 时完全相同。"),
                   wrong=(f"Not yet. Build the weights with weekly_index={weekly_index:g} over the same period, then "
                          "take forecast_month(...).unit_weight_value (sales so far ÷ the day weights so far).",
                          f"还不对。用同一历史期间、weekly_index={weekly_index:g} 计算权重，再取 forecast_month(...)"
                          ".unit_weight_value（已售额 ÷ 已过各天权重之和）。"))


def check_2(answer: Any, *, sales: Any, month: str, period: tuple, weekly_index: Any = "derived",
            missing: str = "zero", lang: str = "en") -> bool:
    """Exercise 2: the month weight index with the festival days of ``data/holidays_demo.csv``."""
    import pandas as pd

    from crmcore.sales import targets as tg
    from crmcore.door.datasets import DATA_DIR

    holidays = pd.read_csv(DATA_DIR / "holidays_demo.csv")
    w = tg.weight_index(sales, weekly_index=weekly_index, missing=missing, holidays=holidays, period=period)
    want = w.month_weight(month)
    return verdict(_close(answer, want), lang,
                   right=(f"Right: with the festival days the month weight index of {month} is {want:,.3f}.",
                          f"正确：计入节日后，{month} 的月权重指数为 {want:,.3f}。"),
                   wrong=("Not yet. Pass holidays=pd.read_csv('../data/holidays_demo.csv') to weight_index (same "
                          "period and K) and read .month_weight(month); a month without festival days keeps its weight.",
                          "还不对。把 holidays=pd.read_csv('../data/holidays_demo.csv') 传给 weight_index（历史期间和 K "
                          "不变），再读取 .month_weight(month)；没有节日的月份权重不变。"))


def check_3(answer: Any, *, sales: Any, month: str, period: tuple, weekly_index: Any = "derived",
            missing: str = "zero", lang: str = "en") -> bool:
    """Exercise 3: the month forecast made on day 10 of ``month``."""
    import pandas as pd

    from crmcore.sales import targets as tg

    w = tg.weight_index(sales, weekly_index=weekly_index, missing=missing, period=period)
    day10 = pd.Period(month, "M").start_time + pd.Timedelta(days=9)
    want = tg.forecast_month(sales, month, w, asof=day10, missing=missing).forecast
    return verdict(_close(answer, want, rel=1e-4), lang,
                   right=(f"Right: on day 10 the weight index forecasts {want:,.0f}.",
                          f"正确：第 10 天用权重指数法预测全月为 {want:,.0f}。"),
                   wrong=("Not yet. Call forecast_month(sales, month, weights, asof=<day 10 of the month>): sales of "
                          "days 1–10 ÷ their share of the month's weight.",
                          "还不对。调用 forecast_month(sales, month, weights, asof=<当月第 10 天>)：前 10 天销售额 ÷ "
                          "这 10 天权重占全月权重的比例。"))
