"""Self-checks for notebook 11 (customer lifetime value): e.g. ``ex.check_1(my_likelihood, lang=lang)``."""
from __future__ import annotations

import math
from typing import Any

from . import verdict

#: Fader & Hardie (2007), "How to project customer retention": share of 1,000 "regular" customers still
#: active at the start of years 0..7
REGULAR = [1.000, 0.631, 0.468, 0.382, 0.326, 0.289, 0.262, 0.241]


def _num(answer: Any) -> float | None:
    try:
        v = float(answer)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def check_1(answer: Any, *, lang: str = "en") -> bool:
    """Exercise 1: the BG/NBD likelihood of one customer (x = 1, t_x = 2, T = 5) with r = α = a = b = 1."""
    right = 5 / 72
    v = _num(answer)
    ok = v is not None and abs(v - right) < 5e-4
    return verdict(ok, lang,
                   right=(f"Right: L = ½·1/36 + ½·1/9 = 5/72 = {right:.4f}.",
                          f"正确：L = ½·1/36 + ½·1/9 = 5/72 = {right:.4f}。"),
                   wrong=(f"Not yet: your answer is {answer!r}. Add the two terms of the likelihood: 'still alive at T' "
                          "B(a, b+x)/B(a, b) · Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) and 'died just after the last purchase', "
                          "the same with B(a+1, b+x−1) and α+t_x.",
                          f"还不对：你的答案是 {answer!r}。似然由两项相加：“到 T 时仍活跃” B(a, b+x)/B(a, b) · "
                          "Γ(r+x)α^r/(Γ(r)(α+T)^(r+x))，以及“最后一次购买后即流失”，把 B 换成 B(a+1, b+x−1)、把 T 换成 t_x。"))


def retention_year_8() -> float:
    from crmcore.customer import clv

    return float(clv.fit(REGULAR, model="sbg").retention(8))


def check_2(answer: Any, *, lang: str = "en") -> bool:
    """Exercise 2: the sBG retention rate of the regular customers from year 7 to year 8."""
    right = retention_year_8()
    v = _num(answer)
    ok = v is not None and abs(v - right) < 5e-4
    return verdict(ok, lang,
                   right=(f"Right: {right:.1%}, higher than any year so far — the cohort has sorted itself.",
                          f"正确：{right:.1%}，比以往任何一年都高——客户群经过了筛选。"),
                   wrong=(f"Not yet: your answer is {answer!r}. Fit clv.fit(curve, model='sbg') and call "
                          ".retention(8) — a share between 0 and 1.",
                          f"还不对：你的答案是 {answer!r}。先用 clv.fit(curve, model='sbg') 拟合，再调用 "
                          ".retention(8)，结果是 0 到 1 之间的比例。"))


def check_3(answer: Any, *, lang: str = "en") -> bool:
    """Exercise 3: P(alive) of a one-time buyer (x = 0) under BG/NBD."""
    v = _num(answer)
    ok = v is not None and abs(v - 1.0) < 1e-9
    return verdict(ok, lang,
                   right=("Right: 1. In BG/NBD a customer can drop out only right after a repeat purchase, so "
                          "someone who never came back cannot have died — the model's known blind spot.",
                          "正确：1。BG/NBD 只允许客户在重复购买之后流失，从未回购的客户不可能“已流失”——这是模型的已知盲点。"),
                   wrong=(f"Not yet: your answer is {answer!r}. Compute bg.p_alive() for the customers with "
                          "frequency 0 and look at the values.",
                          f"还不对：你的答案是 {answer!r}。对消费频率为 0 的客户计算 bg.p_alive()，看看结果。"))
