"""The BCG bubble chart: relative share on a log, reversed x-axis, growth on y, bubble area ∝ revenue."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crmcore.labels import check_lang, text
from crmcore.strategy.bcg_text import LABELS, QUADRANTS, strategy, unit_name

if TYPE_CHECKING:
    from crmcore.strategy.bcg import BCGResult

_COLORS = {"star": "#E1A100", "cash_cow": "#2E8B57", "question_mark": "#4C72B0", "dog": "#8C8C8C"}


def _declutter(ax, notes: list) -> None:
    """Move labels that would overlap an earlier (larger-revenue) label up or down until they are free."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = []
    for a in notes:
        x0, y0 = a.xyann
        for k in range(24):
            box = a.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(b) for b in placed):
                break
            step = (k // 2 + 1) * 9 * (1 if k % 2 == 0 else -1)
            a.xyann = (x0, y0 + step)
            if step < 0:
                a.set_va("top")
                a.xyann = (x0, -y0 + step + 9)
            else:
                a.set_va("bottom")
        placed.append(a.get_window_extent(renderer))


def plot(result: BCGResult, ax=None, lang: str = "en", *, arrows: bool = True, labels: bool = True,
         top: int | None = None):
    """Bubble chart: relative share on a log, reversed x-axis (high share on the left), growth on y
    (negative values shown), bubble area ∝ revenue, threshold lines, arrows from the previous period.
    ``top`` draws only the units with the most revenue (the title says how many of how many)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    t = result.table if top is None or len(result.table) <= top else result.table.head(top)
    x = t["relative_share"].to_numpy(float)
    y = t["growth"].to_numpy(float) * 100
    if "revenue" in t and t["revenue"].max() > 0:
        size = 60 + 2400 * t["revenue"].to_numpy(float) / t["revenue"].max()
    else:
        size = np.full(len(t), 400.0)
    xs = [x, [result.share_threshold]]
    ys = [y, [result.growth_threshold * 100]]
    if arrows and "previous_relative_share" in t:
        pm = t["previous_relative_share"].notna()
        xs.append(t.loc[pm, "previous_relative_share"].to_numpy(float))
        ys.append(t.loc[pm, "previous_growth"].to_numpy(float) * 100)
    allx, ally = np.concatenate(xs), np.concatenate(ys)
    lo, hi = allx.min() / 1.8, allx.max() * 1.8
    span = max(ally.max() - ally.min(), 10.0)
    ax.set_xscale("log")
    ax.set_xlim(hi, lo)  # reversed: high share on the left
    ax.set_ylim(ally.min() - 0.18 * span, ally.max() + 0.18 * span)
    ax.axhline(result.growth_threshold * 100, color="0.35", lw=1, ls="--")
    ax.axvline(result.share_threshold, color="0.35", lw=1, ls="--")
    ax.axhline(0, color="0.75", lw=0.8)
    colors = [_COLORS[q] for q in t["quadrant"]]
    ax.scatter(x, y, s=size, c=colors, alpha=0.6, edgecolors="white", linewidths=1.2, zorder=3)
    if arrows and "previous_relative_share" in t:
        for r in t[t["previous_relative_share"].notna()].itertuples(index=False):
            d = r._asdict()
            ax.annotate("", xy=(d["relative_share"], d["growth"] * 100),
                        xytext=(d["previous_relative_share"], d["previous_growth"] * 100),
                        arrowprops=dict(arrowstyle="->", color="0.3", lw=1.0, shrinkA=0, shrinkB=6), zorder=2)
    if labels:
        notes_ = []
        for xi, yi, si, name in zip(x, y, size, t[result.unit]):
            # just above the bubble: its radius in points is sqrt(area)/2
            notes_.append(ax.annotate(unit_name(name, lang), (xi, yi), textcoords="offset points",
                                      xytext=(0, np.sqrt(si) / 2 + 2), ha="center", va="bottom", fontsize=8, zorder=4,
                                      bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.6)))
        _declutter(ax, notes_)
    corners = {"star": (0.02, 0.97, "left", "top"), "question_mark": (0.98, 0.97, "right", "top"),
               "cash_cow": (0.02, 0.03, "left", "bottom"), "dog": (0.98, 0.03, "right", "bottom")}
    for q, (cx, cy, ha, va) in corners.items():
        ax.text(cx, cy, f"{text(q, lang, LABELS)} · {strategy(q, lang)}", transform=ax.transAxes, ha=ha, va=va,
                fontsize=9, color=_COLORS[q], fontweight="bold" if lang == "en" else "normal")
    proxy = result.basis == "proxy"
    ax.set_xlabel(text("x_proxy" if proxy else "x_market", lang, LABELS))
    ax.set_ylabel(text("y_proxy" if proxy else "y_market", lang, LABELS))
    title = f"{text('title', lang, LABELS)} — {result.period}" + (" (proxy)" if proxy and lang == "en" else
                                                                   "（代理指标）" if proxy else "")
    if len(t) < len(result.table):
        title += (f"\n{len(t)} of {len(result.table):,} units, largest revenue first" if lang == "en" else
                  f"\n销售额最高的 {len(t)} 个业务单元（共 {len(result.table):,} 个）")
    ax.set_title(title, fontweight="normal" if lang == "zh" else None)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    handles = [Line2D([], [], marker="o", ls="", color=_COLORS[q], alpha=0.7, markersize=9,
                      label=text(q, lang, LABELS)) for q in QUADRANTS]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return ax
