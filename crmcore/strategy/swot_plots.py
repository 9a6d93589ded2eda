"""Charts of crmcore.swot: the 2×2 SWOT board, the strategic position and David's IE nine-cell grid."""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from crmcore.labels import check_lang, text
from crmcore.plotting import new_ax
from crmcore.strategy.swot_text import LABELS, TYPES, _CELL_STRATEGY, _ROMAN, _factor_text

if TYPE_CHECKING:
    from crmcore.strategy.swot import SwotResult


_COLORS = {"S": "#4c9a6a", "W": "#d08c3f", "O": "#4a7fb5", "T": "#c0504d"}
_STRAT_COLORS = {"grow": "#cfe8d5", "hold": "#fdf0c4", "harvest": "#f6d0cc"}


def plot_board(result: "SwotResult", ax=None, lang: str = "en", *, width: int | None = None):
    """The 2×2 SWOT board: S and W on top, O and T below, each factor with weight × rating, text wrapped."""
    check_lang(lang)
    import matplotlib.patches as mpatches

    ax = new_ax(ax, (11, 8))
    width = width or (24 if lang == "zh" else 44)
    f = result.factors
    n_max = max(1, int(f["type"].value_counts().max()))
    fontsize = 9 if n_max <= 5 else (8 if n_max <= 7 else 7)
    for k, t in enumerate(TYPES):
        col, row = k % 2, 1 - k // 2
        ax.add_patch(mpatches.Rectangle((col, row), 1, 1, facecolor=_COLORS[t], alpha=0.12,
                                        edgecolor=_COLORS[t], lw=1.5))
        sub = f[f["type"] == t]
        total = sub["weighted_score"].sum()
        ax.text(col + 0.03, row + 0.96, f"{t} — {text(t, lang, LABELS)}  (Σ w×r = {total:.2f})", va="top",
                fontsize=fontsize + 2, fontweight="bold", color=_COLORS[t])
        lines = []
        for _, r in sub.iterrows():
            head = f"{r['id']} [{r['weight']:.2f}×{r['rating']:g}] "
            if lang == "zh":  # Chinese has no spaces to break at: cut by characters, head on the first line
                body = _factor_text(r, lang)
                first = max(4, width - len(head) // 2)
                chunks = [body[:first]] + [body[i:i + width] for i in range(first, len(body), width)]
                lines.append(head + "\n    ".join(c for c in chunks if c))
            else:
                lines.append(textwrap.fill(head + _factor_text(r, lang), width=width, subsequent_indent="    "))
        ax.text(col + 0.03, row + 0.87, "\n".join(lines), va="top", fontsize=fontsize, linespacing=1.25)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    name = (result.name_zh or result.name) if lang == "zh" else result.name
    ax.set_title(text("board_title", lang, LABELS) + (f" — {name}" if name else ""))
    return ax


def plot_position(result: "SwotResult", ax=None, lang: str = "en"):
    """The SWOT strategic position (S − W, O − T) in its quadrant, with the four quadrant names."""
    check_lang(lang)
    ax = new_ax(ax, (6.5, 6))
    r = result
    lim = max(0.3, abs(r.x), abs(r.y)) * 1.35
    ax.axhline(0, color="0.3", lw=1)
    ax.axvline(0, color="0.3", lw=1)
    for q, (qx, qy) in {"SO": (1, 1), "WO": (-1, 1), "WT": (-1, -1), "ST": (1, -1)}.items():
        ax.text(qx * lim * 0.62, qy * lim * 0.85, text(q, lang, LABELS), ha="center", va="center", fontsize=11,
                color="0.25", fontweight="bold" if q == r.quadrant else "normal",
                bbox={"boxstyle": "round", "fc": "#fdf0c4" if q == r.quadrant else "white", "ec": "0.7"})
    ax.annotate("", xy=(r.x, r.y), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "#c0504d", "lw": 2})
    ax.plot([r.x], [r.y], "o", color="#c0504d", ms=9)
    ax.annotate(f"({r.x:+.2f}, {r.y:+.2f})\n{r.angle:.0f}°", (r.x, r.y), textcoords="offset points",
                xytext=(8, -22 if r.y > 0 else 10), fontsize=9)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel(text("s_minus_w", lang, LABELS))
    ax.set_ylabel(text("o_minus_t", lang, LABELS))
    ax.set_title(text("position_title", lang, LABELS))
    ax.set_aspect("equal")
    return ax


def plot_ie(result: "SwotResult", ax=None, lang: str = "en"):
    """David's IE nine-cell grid (IFE 4→1 left to right, EFE 1→4 bottom to top) with the firm's point."""
    check_lang(lang)
    import matplotlib.patches as mpatches

    ax = new_ax(ax, (6.5, 6))
    # x runs from 4 (left, strong) to 1 (right, weak) as in David's figure
    x_bands = [(3.0, 4.0), (2.0, 3.0), (1.0, 2.0)]
    y_bands = [(3.0, 4.0), (2.0, 3.0), (1.0, 2.0)]
    for row, (y0, y1) in enumerate(y_bands):
        for col, (x0, x1) in enumerate(x_bands):
            cell = _ROMAN[3 * row + col]
            strat = _CELL_STRATEGY[cell]
            ax.add_patch(mpatches.Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=_STRAT_COLORS[strat],
                                            edgecolor="0.4", lw=1))
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.3, cell, ha="center", va="center", fontsize=14, color="0.35",
                    fontweight="bold" if cell == result.ie_cell else "normal")
    handles = [mpatches.Patch(facecolor=_STRAT_COLORS[s], edgecolor="0.4", label=text(s, lang, LABELS))
               for s in ("grow", "hold", "harvest")]
    ax.plot([result.ife_total], [result.efe_total], "o", color="#c0504d", ms=10, zorder=5)
    ax.annotate(f"({result.ife_total:.2f}, {result.efe_total:.2f})", (result.ife_total, result.efe_total),
                textcoords="offset points", xytext=(8, 8), fontsize=9)
    ax.set_xlim(4.0, 1.0)
    ax.set_ylim(1.0, 4.0)
    ax.set_xticks([4.0, 3.0, 2.0, 1.0])
    ax.set_yticks([1.0, 2.0, 3.0, 4.0])
    ax.set_xlabel(text("ife", lang, LABELS) + " — " + " / ".join(text(f"ife_{k}", lang, LABELS) for k in ("strong", "average", "weak")))
    ax.set_ylabel(text("efe", lang, LABELS) + " — " + " / ".join(text(f"efe_{k}", lang, LABELS) for k in ("low", "medium", "high")))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False, fontsize=9)
    ax.set_title(text("ie_title", lang, LABELS))
    ax.set_aspect("equal")
    return ax
