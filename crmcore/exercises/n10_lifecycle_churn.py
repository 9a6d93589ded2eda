"""Self-checks for notebook 10 (lifecycle, churn warning, credit grades): ``check_1`` … ``check_3``.

Each takes the learner's own answer, recomputes the value from the same data and parameters with
:mod:`crmcore.churn` / :mod:`crmcore.credit`, and prints a message in ``lang`` (see :func:`verdict`).
"""
from __future__ import annotations

from typing import Any, Mapping

from . import verdict


def _share(answer: Any) -> float | None:
    try:
        v = float(answer)
    except (TypeError, ValueError):
        return None
    return v / 100 if 1 < v <= 100 else v     # "23.4" meant as a percentage is accepted


def check_1(answer: Any, *, tx: Any, horizon: int = 30, lang: str = "en") -> bool:
    """Exercise 1: the churn rate of the *active* customers at the latest cut-off for ``horizon`` days.

    ``answer`` is a share (0.234) or a percentage (23.4); right within 0.1 percentage point."""
    from crmcore.customer import churn

    cut = churn.latest_cutoff(tx, horizon=horizon)
    d = churn.dataset(tx, cutoff=cut, horizon=horizon)
    want = float(d["churned"].mean())
    got = _share(answer)
    if got is None:
        return verdict(False, lang, right=("", ""),
                       wrong=(f"Give a number (a share such as 0.25), not {answer!r}.",
                              f"请给出一个数（如 0.25 这样的比例），而不是 {answer!r}。"))
    ok = abs(got - want) < 0.001
    hint_en = ("too high: count only customers active at the cut-off (churn.dataset keeps them)" if got > want else
               "too low: a customer who makes no purchase in the window counts as churned")
    hint_zh = ("偏高：只统计切分日仍活跃的客户（churn.dataset 已筛选）" if got > want else
               "偏低：窗口内没有任何购买的客户都算流失")
    return verdict(ok, lang,
                   right=(f"Right: {want:.1%} of the {len(d):,} active customers at {cut} churned within {horizon} days.",
                          f"正确：{cut} 的 {len(d):,} 位活跃客户中，{want:.1%} 在 {horizon} 天内流失。"),
                   wrong=(f"Not yet ({got:.1%}): {hint_en}.", f"还不对（{got:.1%}）：{hint_zh}。"))


def check_2(answer: Any, *, study: Any, rule: str = "budget:100", model: str | None = None,
            lang: str = "en") -> bool:
    """Exercise 2: ``(error_rate, miss_rate)`` of the chosen model at the line set by ``rule``.

    Right within 0.1 percentage point each; a swapped pair is named as such."""
    v = study.versus_baseline(rule, model=model).iloc[0]
    want = (float(v["error_rate"]), float(v["miss_rate"]))
    try:
        got = tuple(_share(x) for x in (answer.values() if isinstance(answer, Mapping) else answer))
        assert len(got) == 2 and None not in got
    except (TypeError, AssertionError):
        return verdict(False, lang, right=("", ""),
                       wrong=("Give two numbers: (error rate, miss rate).", "请给出两个数：（错误率，遗漏率）。"))
    close = lambda a, b: abs(a - b) < 0.001  # noqa: E731
    ok = close(got[0], want[0]) and close(got[1], want[1])
    swapped = close(got[0], want[1]) and close(got[1], want[0])
    why = (("the two are swapped: error rate = FP/(TP+FP), miss rate = FN/(TP+FN)",
            "两个数顺序反了：错误率 = FP/(TP+FP)，遗漏率 = FN/(TP+FN)") if swapped else
           ("use study.versus_baseline(rule) or study.at_rules([rule], model=...)",
            "可用 study.versus_baseline(rule) 或 study.at_rules([rule], model=...)"))
    return verdict(ok, lang,
                   right=(f"Right: error rate {want[0]:.1%}, miss rate {want[1]:.1%} at '{rule}'.",
                          f"正确：规则「{rule}」下错误率 {want[0]:.1%}，遗漏率 {want[1]:.1%}。"),
                   wrong=(f"Not yet: {why[0]}.", f"还不对：{why[1]}。"))


def check_3(answer: Any, *, payments: Any, asof: Any, weights: Mapping[str, float], lang: str = "en") -> bool:
    """Exercise 3: how many accounts change credit grade under ``weights`` versus the default weights."""
    from crmcore.customer import credit

    base = credit.rate(payments, asof=asof).table.set_index("customer_id")["grade"]
    mine = credit.rate(payments, asof=asof, weights=dict(weights)).table.set_index("customer_id")["grade"]
    want = int((mine.reindex(base.index) != base).sum())
    try:
        got = int(answer)
    except (TypeError, ValueError):
        got = None
    ok = got == want
    return verdict(ok, lang,
                   right=(f"Right: {want:,} of {len(base):,} accounts change grade.",
                          f"正确：{len(base):,} 个账户中有 {want:,} 个评级改变。"),
                   wrong=("Not yet: compare the grade column of both ratings account by account.",
                          "还不对：逐个账户比较两次评级的 grade 列。"))
