"""Self-checks for the exercises of notebook 12_sales_pipeline (see :func:`crmcore.exercises.verdict`)."""
from __future__ import annotations

import math
from typing import Any

from . import verdict


def _close(answer: Any, want: float, rel: float = 1e-4) -> bool:
    try:
        return math.isclose(float(answer), want, rel_tol=rel, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def check_1(answer: Any, *, opportunities: Any, period: str, asof: str, lang: str = "en") -> bool:
    """Exercise 1: the win rate of the last complete ``period`` (quarter by default) before ``asof``, by count."""
    from crmcore.sales import pipeline as pl

    t = pl.win_rate(opportunities, period=period, asof=asof).table
    last = t.iloc[-1]
    want = float(last["win_rate"])
    naive = float(last["cohort_win_rate"])
    ok = _close(answer, want)
    if not ok and _close(answer, naive):
        return verdict(False, lang, right=("", ""),
                       wrong=(f"That is won ÷ created in the period ({naive:.1%}), the cohort denominator. The win rate counts only "
                              "deals closed in the period: won ÷ (won + lost).",
                              f"这是赢单 ÷ 新建商机（{naive:.1%}），即按批次计算的口径。赢单率只统计本期关闭的商机："
                              "赢单 ÷（赢单 + 输单）。"))
    return verdict(ok, lang,
                   right=(f"Right: {int(last['won'])} won of {int(last['won'] + last['lost'])} closed in "
                          f"{last['period']} = {want:.1%}.",
                          f"正确：{last['period']} 关闭 {int(last['won'] + last['lost'])} 个商机，赢单 "
                          f"{int(last['won'])} 个，赢单率 {want:.1%}。"),
                   wrong=("Not yet. Take the deals closed in the last period, then won ÷ (won + lost); open deals "
                          "do not count.",
                          "还不对。取最后一期关闭的商机，计算赢单 ÷（赢单 + 输单）；进行中的商机不计入。"))


def check_2(answer: Any, *, opportunities: Any, stage_history: Any, asof: str, lang: str = "en") -> bool:
    """Exercise 2: the weighted pipeline with HubSpot's 20/40/60/80 % stage probabilities."""
    from crmcore.sales import pipeline as pl

    want = pl.weighted_pipeline(opportunities, stage_history, probabilities=pl.DEFAULT_PROBABILITIES,
                                asof=asof).total
    return verdict(_close(answer, want), lang,
                   right=(f"Right: Σ amount × probability = {want:,.0f}.", f"正确：Σ 金额 × 概率 = {want:,.0f}。"),
                   wrong=("Not yet. Take the deals open on asof, give each the probability of its current stage "
                          "(20/40/60/80 %) and add up amount × probability.",
                          "还不对。取分析时点仍在进行的商机，按当前阶段给出概率（20/40/60/80%），再把金额 × 概率加总。"))
