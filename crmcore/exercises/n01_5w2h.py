"""Self-checks for notebook 01 (5W2H): the learner's own answers compared with crmcore's."""
from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from . import verdict


def _close(a: Any, b: float, tol: float) -> bool:
    try:
        return math.isclose(float(a), float(b), abs_tol=tol)
    except (TypeError, ValueError):
        return False


def check_1(answer: Any, *, tx: pd.DataFrame, asof: str, window_days: int = 90, lang: str = "en") -> bool:
    """Exercise 1: the share of new customers among the buyers of the last ``window_days`` days (0–1 or %)."""
    from crmcore.strategy import fivew2h

    right = fivew2h.answer(tx, asof=asof, window_days=window_days)["who"].facts["new_share"]
    a = answer / 100 if isinstance(answer, (int, float)) and answer > 1 else answer
    ok = _close(a, right, 0.001)
    return verdict(ok, lang,
                   right=(f"Right: {right:.1%} of the buyers of the last {window_days} days are new.",
                          f"正确：近 {window_days} 天的购买客户中新客占 {right:.1%}。"),
                   wrong=(f"Not yet: count the buyers with an order in the last {window_days} days before {asof}, and "
                          "among them those whose first purchase falls in that window.",
                          f"还不对：先统计 {asof} 前 {window_days} 天内下过单的客户，再数其中首次购买也落在这段时间的客户。"))


def check_2(answer: Mapping[str, str], *, columns, lang: str = "en") -> bool:
    """Exercise 2: a dict {question: "answerable" / "partly" / "not answerable"} for the given columns."""
    from crmcore.strategy import fivew2h

    right = dict(zip(fivew2h.status(columns)["question"], fivew2h.status(columns)["status"]))
    got = {str(k): str(v).strip().lower() for k, v in dict(answer or {}).items()}
    wrong_keys = [k for k in right if got.get(k) != right[k]]
    ok = not wrong_keys
    return verdict(ok, lang,
                   right=("Right: every status matches the columns.", "正确：每个问题的判断都与数据列相符。"),
                   wrong=(f"Check again: {', '.join(wrong_keys)}. A question is answerable when every data "
                          "sub-question has its columns, partly when some do.",
                          f"请再检查：{', '.join(wrong_keys)}。所有数据子问题的列都在才算可回答，只有部分在算部分可回答。"))


def check_3(answer: Any, *, tx: pd.DataFrame, asof: str, lang: str = "en") -> bool:
    """Exercise 3: the share of orders placed on Saturday or Sunday (0–1 or %), returns left out."""
    sales = tx[(tx["order_date"] < asof) & ~tx.get("is_return", pd.Series(False, index=tx.index)).fillna(False)]
    first = sales.groupby("order_id")["order_date"].min()
    right = float((first.dt.day_of_week >= 5).mean())
    a = answer / 100 if isinstance(answer, (int, float)) and answer > 1 else answer
    ok = _close(a, right, 0.001)
    return verdict(ok, lang,
                   right=(f"Right: {right:.1%} of orders fall on a weekend.", f"正确：周末订单占 {right:.1%}。"),
                   wrong=("Not yet: take each order's first line date (returns left out), then the share with "
                          "day_of_week 5 or 6.",
                          "还不对：取每个订单第一行的日期（不含退货），再算 day_of_week 为 5 或 6 的订单占比。"))
