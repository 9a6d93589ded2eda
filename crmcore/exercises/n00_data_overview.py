"""Self-checks for the exercises of notebook 00_data_overview (see :func:`crmcore.exercises.verdict`)."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from . import verdict


def _revenue_fall(tx_raw: Any) -> float:
    from crmcore.door import data

    dropped = data.clean(tx_raw, returns="drop").transactions["amount"].sum()
    net = data.clean(tx_raw, returns="net").transactions["amount"].sum()
    return float(dropped - net)


def check_1(answer: Any, *, tx_raw: Any, lang: str = "en") -> bool:
    """Exercise 1: by how much does revenue fall when returns are netted instead of dropped (to 0.01)?"""
    want = _revenue_fall(tx_raw)
    try:
        ok = math.isclose(float(answer), want, abs_tol=0.01)
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang,
                   right=(f"Right: netting the returns lowers revenue by {want:,.2f}.",
                          f"正确：冲抵退货后，销售额减少 {want:,.2f}。"),
                   wrong=("Not yet. Subtract the revenue of data.clean(tx_raw, returns='net') from that of "
                          "returns='drop' (the net revenue is the smaller one).",
                          "还不对。用 returns='drop' 的销售额减去 data.clean(tx_raw, returns='net') 的销售额"
                          "（冲抵后的销售额更小）。"))


def region_growth(tx: pd.DataFrame, asof: Any) -> pd.Series:
    """Revenue growth per region: the last twelve complete months against the twelve before."""
    from crmcore.sales import overview, targets

    complete = overview.complete_months(tx, asof)
    if len(complete) < 24 or "region" not in tx.columns:
        return pd.Series(dtype=float)
    s0, s1 = complete["period"].iloc[-24], complete["period"].iloc[-12]
    end = complete["period"].iloc[-1] + pd.offsets.MonthEnd(0)
    before = targets.sales_by(tx, by="region", start=s0, end=s1 - pd.Timedelta(days=1))
    after = targets.sales_by(tx, by="region", start=s1, end=end)
    return (after / before - 1).dropna()


def check_2(answer: Any, *, tx: pd.DataFrame, asof: Any, lang: str = "en") -> bool:
    """Exercise 2: the region that grew fastest (its name as in the data, or its Chinese name)."""
    from crmcore.labels import value

    g = region_growth(tx, asof)
    if g.empty:
        return verdict(False, lang, right=("", ""),
                       wrong=("These data need a region column and 24 complete months for this exercise.",
                              "本练习需要区域字段和 24 个完整月份的数据。"))
    best = str(g.idxmax())
    ok = str(answer) in (best, value(best, "zh"))
    return verdict(ok, lang,
                   right=(f"Right: {best} grew fastest, {g.max():+.1%}.",
                          f"正确：{value(best, 'zh')}增长最快，{g.max():+.1%}。"),
                   wrong=("Not yet. Compare each region's revenue of the last twelve complete months with the twelve "
                          "before (after / before − 1) and take the largest.",
                          "还不对。用每个区域最近十二个完整月份的销售额除以之前十二个月的销售额再减 1，取最大者。"))


def check_3(answer: Any, *, tx: pd.DataFrame, asof: Any, growth: float = 0.25, lang: str = "en") -> bool:
    """Exercise 3: how many of the last twelve complete months reach a plan of last year's month × (1 + growth)."""
    from crmcore.sales import overview

    plan = overview.plan_comparison(overview.complete_months(tx, asof), growth=growth)
    if plan.status != "ok":
        return verdict(False, lang, right=("", ""),
                       wrong=("There is no plan to count on these data: " + " ".join(plan.interpret("en")),
                              "这份数据无法做计划对比：" + "".join(plan.interpret("zh"))))
    want = int((plan.to_frame()["achievement"] >= 1).sum())
    try:
        ok = int(answer) == want and float(answer) == int(answer)
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang,
                   right=(f"Right: {want} of 12 months reach a plan {growth:+.0%} on last year.",
                          f"正确：12 个月中有 {want} 个月达到比去年同月增长 {growth:.0%} 的计划。"),
                   wrong=("Not yet. Count the months whose achievement (actual ÷ plan) is at least 100%; a higher "
                          "growth means a higher plan, so fewer months (never more) reach it.",
                          "还不对。数一数达成率（实际 ÷ 计划）不低于 100% 的月份；增长率越高计划越高，"
                          "达到的月份只会更少，不会更多。"))
