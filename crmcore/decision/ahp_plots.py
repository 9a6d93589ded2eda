"""Plots for AHP results: matrix heatmap, weights with a CR badge, hierarchy tree, sensitivity lines.

Seaborn-style functions: take a result, draw on ``ax`` (a new figure only if ``ax`` is None),
return the Axes; labels in ``lang``; ``title`` replaces the default title (a report names what is
weighed). This module imports no AHP module: results arrive as arguments.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from crmcore.labels import Catalogue, check_lang, text
from crmcore.plotting import new_ax

#: the words of the AHP charts
LABELS = Catalogue("ahp.plot", {
    "matrix": {"en": "Judgement matrix", "zh": "判断矩阵"},
    "weights": {"en": "Priorities", "zh": "权重"},
    "weight": {"en": "weight", "zh": "权重"},
    "hierarchy": {"en": "AHP hierarchy (global weights)", "zh": "层次结构（全局权重）"},
    "alternatives": {"en": "alternatives (overall priority)", "zh": "方案（综合权重）"},
    "sweep": {"en": "Sensitivity to the weight of", "zh": "灵敏度分析："},
    "priority": {"en": "overall priority", "zh": "综合权重"},
    "score": {"en": "score (0–100)", "zh": "综合得分（0–100）"},
    "current": {"en": "current", "zh": "当前权重"},
    "row_over_col": {"en": "a_ij: row over column", "zh": "a_ij：行相对列"},
})


def plot_matrix(matrix: Any, ax=None, lang: str = "en", title: str | None = None):
    """Heatmap of ``log a_ij`` (red: row more important), cells written as ``3`` / ``1/5``.

    ``matrix`` is a :class:`crmcore.ahp.PairwiseMatrix` (``ahp.pairwise(data).plot()`` for raw data):
    this module imports no AHP module, so the AHP modules import each other one way only.
    """
    check_lang(lang)
    m = matrix
    cells = m.to_text_frame().to_numpy()
    ax = new_ax(ax, (2.2 + 0.75 * m.n, 1.4 + 0.65 * m.n), layout="constrained")
    logv = np.log(m.values)
    lim = np.log(9)
    im = ax.imshow(np.nan_to_num(logv), cmap="RdBu_r", vmin=-lim, vmax=lim)
    for i in range(m.n):
        for j in range(m.n):
            ax.text(j, i, cells[i, j], ha="center", va="center", fontsize=9,
                    color="white" if np.isfinite(logv[i, j]) and abs(logv[i, j]) > 0.7 * lim else "black")
    ax.set_xticks(range(m.n), m.labels, rotation=45, ha="right")
    ax.set_yticks(range(m.n), m.labels)
    ax.set_title(title or text("matrix", lang, LABELS))
    ax.grid(False)
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cb.set_ticks(np.log([1 / 9, 1 / 3, 1, 3, 9]), labels=["1/9", "1/3", "1", "3", "9"])
    cb.set_label(text("row_over_col", lang, LABELS))
    return ax


def plot_weights(result: Any, ax=None, lang: str = "en", title: str | None = None):
    """Horizontal bars of the weights, sorted, with a CR badge (green < threshold, red otherwise)."""
    check_lang(lang)
    ax = new_ax(ax, (7, 4.5), layout="constrained")
    order = np.argsort(result.weights)
    labs = [result.labels[k] for k in order]
    ax.barh(labs, result.weights[order], color="#4C72B0")
    for y, v in enumerate(result.weights[order]):
        ax.text(v, y, f" {v:.3f}", va="center", fontsize=9)
    ok = result.consistent
    cr = f"CR = {result.cr:.3f}" if np.isfinite(result.cr) else ("CR: 无 RI" if lang == "zh" else "CR: no RI for n")
    ax.text(0.98, 0.04, cr, transform=ax.transAxes, ha="right", va="bottom", fontsize=10,
            color="white", bbox={"boxstyle": "round", "fc": "#2ca02c" if ok else "#d62728", "ec": "none"})
    ax.set_xlabel(text("weight", lang, LABELS))
    ax.set_title(title or text("weights", lang, LABELS))
    ax.set_xlim(0, max(result.weights) * 1.2)
    return ax


def plot_hierarchy(result: Any, ax=None, lang: str = "en", title: str | None = None):
    """Tree: goal on the left, each level to the right, boxes show global weights; red border = CR ≥ threshold."""
    check_lang(lang)
    disp = getattr(result, "display", lambda x, lang: x)
    w = result.weights
    nodes = result.nodes.set_index("node")
    depth = int(w["level"].max()) if len(w) else 1
    leaves = w[w["is_leaf"]]
    ax = new_ax(ax, (3.2 * (depth + 1), max(3.0, 0.45 * len(leaves) + 1)), layout="constrained")
    # y positions: leaves evenly spaced, parents at the mean of their leaves
    ypos: dict[str, float] = {}
    full = (w["node"] + " > " + w["element"]).tolist()
    leaf_full = [f for f, leaf in zip(full, w["is_leaf"]) if leaf]
    for k, f in enumerate(leaf_full):
        ypos[f] = -k
    for f in sorted(full, key=lambda s: -s.count(" > ")):
        if f not in ypos:
            kids = [ypos[g] for g in ypos if g.startswith(f + " > ")]
            ypos[f] = float(np.mean(kids)) if kids else 0.0
    ypos[result.goal] = float(np.mean([ypos[f] for f in full if f.count(" > ") == 1])) if full else 0.0
    for f, gwt, node in zip(full, w["global_weight"], w["node"]):
        x = f.count(" > ")
        ax.plot([x - 1, x], [ypos[node], ypos[f]], color="0.7", lw=1, zorder=1)
    for f, gwt, node in zip(full, w["global_weight"], w["node"]):
        x = f.count(" > ")
        bad = f in nodes.index and nodes.loc[f, "kind"] == "pairwise" and not bool(nodes.loc[f, "consistent"])
        ax.text(x, ypos[f], f"{disp(f.split(' > ')[-1], lang)}\n{gwt:.3f}", ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round", "fc": "#dbe7f3", "ec": "#d62728" if bad else "#4C72B0"}, zorder=2)
    bad_goal = not bool(nodes.loc[result.goal, "consistent"]) if result.goal in nodes.index else False
    ax.text(0, ypos[result.goal], f"{disp(result.goal, lang)}\nCR={nodes.loc[result.goal, 'CR']:.3f}", ha="center", va="center",
            fontsize=9, bbox={"boxstyle": "round", "fc": "#f3e3c3", "ec": "#d62728" if bad_goal else "#8c6d31"})
    right = depth + 0.6
    if len(result.alternatives):  # the synthesis, as a box to the right of the leaves
        alt = "\n".join(f"{disp(a, lang)}: {p:.3f}" for a, p in zip(result.alternatives["alternative"], result.alternatives["priority"]))
        ax.text(depth + 0.7, float(np.mean(list(ypos.values()))), f"{text('alternatives', lang, LABELS)}\n{alt}",
                ha="left", va="center", fontsize=8, bbox={"boxstyle": "round", "fc": "#e5f2e5", "ec": "#2ca02c"})
        right = depth + 1.7
    ax.set_xlim(-0.6, right)
    ax.set_ylim(min(ypos.values()) - 0.8, max(ypos.values()) + 0.8)
    ax.axis("off")
    ax.set_title(title or f"{text('hierarchy', lang, LABELS)}: {disp(result.goal, lang)}")
    return ax


def plot_sweep(result: Any, ax=None, lang: str = "en", title: str | None = None):
    """Priority lines as the criterion weight varies; dashed line at the current weight, dots at changes."""
    check_lang(lang)
    disp = getattr(result, "display", lambda x, lang: x)
    ax = new_ax(ax, (7, 4.5), layout="constrained")
    for col in result.table.columns:
        ax.plot(result.table.index, result.table[col], label=disp(str(col), lang), lw=1.5)
    ax.axvline(result.current, ls="--", color="0.3", lw=1)
    ax.annotate(f"{text('current', lang, LABELS)} {result.current:.3f}", (result.current, 0.02),
                xycoords=("data", "axes fraction"), xytext=(3, 0), textcoords="offset points", fontsize=8)
    for t in result.changes["t"]:
        ax.axvline(t, ls=":", color="#d62728", lw=1)
    ax.set_xlabel(f"{text('weight', lang, LABELS)}: {disp(result.criterion, lang)}")
    ax.set_ylabel(text("score" if getattr(result, "measure", "priority") == "score" else "priority", lang, LABELS))
    head = text("sweep", lang, LABELS)
    crit = disp(result.criterion, lang)
    ax.set_title(title or (f"{head} {crit}" if lang == "en" else f"{head}{crit}"))
    # outside the axes, so the lines and the change points stay visible
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax
