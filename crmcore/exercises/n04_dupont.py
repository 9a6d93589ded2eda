"""Self-checks for the exercises of notebook 04 (DuPont analysis)."""
from __future__ import annotations

from typing import Any

from crmcore.strategy import dupont as dp
from . import verdict


def _factor_key(answer: Any) -> str | None:
    """A factor given by key ("asset_turnover") or by its English or Chinese label (总资产周转率)."""
    a = str(answer).strip().lower()
    for k, v in dp.LABELS.items():
        if a in (k, v["en"].lower(), v["zh"]):
            return k
    return None


def check_1(answer: Any, *, fin: Any, company: str, period: Any, steps: int = 3, lang: str = "en") -> bool:
    """Exercise 1: ROE of ``company`` in ``period`` on year-end balances (a fraction, 0.178 = 17.8%)."""
    right = float(dp.dupont(fin, steps=steps, balance="end").row(period, company=company)["roe"])
    try:
        x = float(answer)
    except (TypeError, ValueError):
        return verdict(False, lang, right=("", ""), wrong=(
            f"Give the ROE as a number (a fraction such as 0.178), not {answer!r}.",
            f"请以数字形式给出净资产收益率（如 0.178 表示 17.8%），而不是 {answer!r}。"))
    if abs(x - right) > 0.0005 and abs(x / 100 - right) <= 0.0005:
        return verdict(False, lang, right=("", ""), wrong=(
            "That looks like a percentage: give ROE as a fraction (0.178, not 17.8).",
            "这看起来是百分数：请以小数形式给出（0.178，而不是 17.8）。"))
    return verdict(abs(x - right) <= 0.0005, lang,
                   right=(f"Right: {right:.2%} on year-end balances.", f"正确：按期末余额计算为 {right:.2%}。"),
                   wrong=("Not yet: divide the period's net income by the equity at the *end* of that period.",
                          "还不对：用该期净利润除以该期*期末*所有者权益。"))


def check_2(answer: Any, *, result: Any, base_period: Any, current_period: Any, company: str,
            lang: str = "en") -> bool:
    """Exercise 2: the factor whose chain effect changes most when the order is reversed."""
    a = result.attribute(base_period, current_period, company=company, method="chain")
    b = result.attribute(base_period, current_period, company=company, method="chain",
                         order=list(result.factors)[::-1])
    right = (b.effects["chain"] - a.effects["chain"]).abs().idxmax()
    key = _factor_key(answer)
    label = dp.LABELS[right]
    return verdict(key == right, lang,
                   right=(f"Right: {label['en']}. The Shapley effects do not change with the order.",
                          f"正确：{label['zh']}。Shapley 分解的结果与替代顺序无关，不会改变。"),
                   wrong=("Not yet: subtract the chain effects of the two orders factor by factor and take the "
                          "largest absolute difference (give the factor's name).",
                          "还不对：把两种顺序下各因素的连环替代影响逐一相减，取绝对差最大的因素（写出因素名称）。"))


def check_3(answer: Any, *, result: Any, base_period: Any, current_period: Any, company: str,
            lang: str = "en") -> bool:
    """Exercise 3: the factor with the largest Shapley effect on the peer's ROE change."""
    a = result.attribute(base_period, current_period, company=company, method="shapley")
    right = a.effect.abs().idxmax()
    label = dp.LABELS[right]
    return verdict(_factor_key(answer) == right, lang,
                   right=(f"Right: {label['en']} had the largest effect on {dp.company_name(company)}'s ROE change.",
                          f"正确：对{dp.company_name(company, 'zh')}净资产收益率变动影响最大的因素是{label['zh']}。"),
                   wrong=("Not yet: attribute the peer's change with method='shapley' and take the factor with the "
                          "largest absolute effect.",
                          "还不对：用 method='shapley' 分解同业公司的变动，取影响绝对值最大的因素。"))
