"""Plots of the sales-process results (seaborn-style: data or a result in, ``ax=None``, Axes out; words in ``lang``)."""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

from crmcore.door import b2b
from crmcore.labels import check_lang


def _ax(ax, size=(8, 3.6)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def plot_win_rate(result: Any, ax=None, lang: str = "en", group: Any = None):
    """Win rate per period with its 95 % Wilson band; periods where it moved beyond the interval are marked."""
    check_lang(lang)
    zh = lang == "zh"
    ax = _ax(ax)
    mv = result.movements(group=group)
    x = np.arange(len(mv))
    ax.fill_between(x, mv["lower"], mv["upper"], alpha=0.25, label="95% 区间" if zh else "95% interval")
    ax.plot(x, mv["win_rate"], marker="o", label="赢单率" if zh else "win rate")
    m = mv["movement"].to_numpy()
    if m.any():
        ax.scatter(x[m], mv["win_rate"][m], s=90, facecolors="none", edgecolors="C3", zorder=3,
                   label="超出区间的变化" if zh else "change beyond the interval")
    step = max(1, len(x) // 8)
    ax.set_xticks(x[::step], mv["period"].iloc[::step])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    who = f"{b2b.value(group, lang)} " if group is not None else ""
    ax.set_title(f"{who}赢单率走势（按关闭期间）" if zh else f"{who}Win rate by close period, with its 95% interval")
    ax.set_ylabel("赢单 ÷（赢单 + 输单）" if zh else "won ÷ (won + lost)")
    ax.legend(frameon=False, fontsize=8, loc="best")
    return ax


def plot_funnel(result: Any, ax=None, lang: str = "en"):
    """Horizontal bars: deals that entered each stage, with the conversion rate to the next."""
    check_lang(lang)
    zh = lang == "zh"
    ax = _ax(ax, (7, 3))
    t = result.table.iloc[::-1]
    names = [b2b.value(s, lang) for s in t["from_stage"]]
    ax.barh(names, t["entered"], color="C0")
    for k, r in enumerate(t.itertuples()):
        label = f"{r.entered:,}" + (f"  → {r.rate:.0%}" if r.rate == r.rate else "")
        ax.text(r.entered, k, " " + label, va="center", fontsize=8)
    ax.set_xlim(0, t["entered"].max() * 1.3)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("进入该阶段的商机数（箭头后为转化率）" if zh else "deals that entered the stage (→ conversion rate)")
    ax.set_title("商机阶段转化漏斗" if zh else "Stage conversion funnel")
    return ax


def plot_plan(table: Any, ax=None, lang: str = "en"):
    """Rolling plan (first and latest) against the actual, summed over units, per month."""
    check_lang(lang)
    zh = lang == "zh"
    ax = _ax(ax)
    g = table.groupby("month")[["first_plan", "planned", "actual"]].sum()
    x = np.arange(len(g))
    w = 0.27
    ax.bar(x - w, g["first_plan"], w, label="首次滚动计划" if zh else "first rolling plan")
    ax.bar(x, g["planned"], w, label="最新滚动计划" if zh else "latest rolling plan")
    ax.bar(x + w, g["actual"], w, label="实际赢单" if zh else "actual won")
    ax.set_xticks(x, g.index)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title("滚动计划与实际（各业务单元合计）" if zh else "Rolling plan vs actual (all units)")
    ax.legend(frameon=False, fontsize=8)
    return ax
