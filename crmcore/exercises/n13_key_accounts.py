"""Self-checks for the exercises of notebook 13_key_accounts (see :func:`crmcore.exercises.verdict`)."""
from __future__ import annotations

from typing import Any

from . import verdict


def check_1(answer: Any, *, data: Any, asof: str, tiers: tuple, lang: str = "en") -> bool:
    """Exercise 1: the lowest tier-A cut-off (whole points) that leaves at most 25 tier-A accounts."""
    from crmcore.sales import key_accounts as ka

    scores = ka.identify(data, asof=asof, tiers=tiers).table["score"]
    want = next(c for c in range(0, 101) if int((scores >= c).sum()) <= ka.RULE_OF_THUMB[1])
    try:
        ok = int(answer) == want
    except (TypeError, ValueError):
        ok = False
    n = int((scores >= want).sum())
    return verdict(ok, lang,
                   right=(f"Right: from {want} points on, {n} accounts are tier A.",
                          f"正确：分界取 {want} 分时，A 类客户为 {n} 个。"),
                   wrong=("Not yet. Count the accounts with score ≥ c for c = 0, 1, 2, … and take the first c with at "
                          "most 25.", "还不对。对 c = 0、1、2……逐个统计综合积分 ≥ c 的客户数，取第一个不超过 25 的 c。"))


def check_2(answer: Any, *, opportunities: Any, rate: float, lang: str = "en") -> bool:
    """Exercise 2: the total presales cost of the won deals at ``rate`` per person-day."""
    import math

    from crmcore.sales import pipeline as pl

    t = pl.presales_cost(opportunities, rate=rate)
    want = float(t.loc[t["outcome"] == "won", "presales_cost"].sum())
    try:
        ok = math.isclose(float(answer), want, rel_tol=1e-6)
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang, right=(f"Right: {want:,.0f}.", f"正确：{want:,.0f}。"),
                   wrong=("Not yet. Person-days × rate for each won deal, then the sum.",
                          "还不对。对每个赢单商机计算人天 × 单价，再求和。"))
