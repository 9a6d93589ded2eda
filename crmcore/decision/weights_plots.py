"""Plots for the weighting methods of :mod:`crmcore.weights` (熵权法、CRITIC 法、模糊综合评价、
模糊层次分析法、专家评价法).

Seaborn-style functions: take a result's numbers, draw on ``ax`` (a new figure only if ``ax`` is None),
return the Axes; every word in ``lang`` (from :mod:`crmcore.weights_text`). This module imports no other
weights module: the results' ``plot`` methods import it when called.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.decision.weights_text import label, tr
from crmcore.labels import check_lang
from crmcore.plotting import new_ax


def plot_weights(weights: pd.Series, ax=None, lang: str = "en", title: str | None = None,
                 names: Mapping[str, Mapping[str, str]] | None = None):
    """Bars of one weight vector (a Series); the dashed line marks equal weights 1/n."""
    check_lang(lang)
    w = weights.sort_values()
    ax = new_ax(ax, (6, 0.9 + 0.45 * len(w)), layout="constrained")
    ylab = [label(k, lang, names) for k in w.index]
    ax.barh(ylab, w.to_numpy(), color="#4c72b0")
    for y, v in enumerate(w.to_numpy()):
        ax.text(v, y, f" {v:.3f}", va="center", fontsize=9)
    ax.axvline(1 / len(w), color="grey", ls="--", lw=1, label=tr("equal_weight", lang))
    ax.set_xlim(0, max(w.max() * 1.25, 1 / len(w) * 1.2))
    ax.set_xlabel(tr("weight", lang))
    ax.set_title(title or tr("weight", lang))
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_grouped(frame: pd.DataFrame, ax=None, lang: str = "en", title: str | None = None,
                 names: Mapping[str, Mapping[str, str]] | None = None,
                 series_names: Mapping[str, str] | None = None):
    """Grouped bars: one group per criterion (rows), one bar per method (columns)."""
    check_lang(lang)
    k = frame.shape[1]
    ax = new_ax(ax, (max(6.0, 2.0 + (0.9 + 0.25 * k) * len(frame)), 4.2), layout="constrained")
    x = np.arange(len(frame))
    width = 0.8 / max(k, 1)
    for i, col in enumerate(frame.columns):
        ax.bar(x + (i - (k - 1) / 2) * width, frame[col].to_numpy(), width,
               label=(series_names or {}).get(col, str(col)))
    ax.set_xticks(x, [label(c, lang, names) for c in frame.index], rotation=0 if len(frame) <= 5 else 30,
                  ha="center" if len(frame) <= 5 else "right")
    ax.set_ylabel(tr("weight", lang))
    ax.set_ylim(0, float(np.nanmax(frame.to_numpy())) * 1.15)
    ax.set_title(title or tr("t_compare", lang))
    ax.legend(fontsize=8, ncol=min(k, 5), loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    return ax


def plot_membership(vector: pd.Series, best: Any, ax=None, lang: str = "en", title: str | None = None,
                    names: Mapping[str, Mapping[str, str]] | None = None):
    """Bars of the normalised evaluation vector B over the grades; the grade by maximum membership in red."""
    check_lang(lang)
    ax = new_ax(ax, (1.5 + 0.9 * len(vector), 3.2), layout="constrained")
    labs = [label(g, lang, names) for g in vector.index]
    colors = ["#c44e52" if g == best else "#4c72b0" for g in vector.index]
    ax.bar(labs, vector.to_numpy(), color=colors)
    for i, v in enumerate(vector.to_numpy()):
        ax.text(i, v, f"{v:.3f}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(vector.max() * 1.2, 0.1))
    ax.set_ylabel(tr("membership_norm", lang))
    ax.set_title(title or tr("t_fuzzy", lang))
    return ax


def plot_rank_sums(rank_sums: pd.Series, ax=None, lang: str = "en", title: str | None = None,
                   names: Mapping[str, Mapping[str, str]] | None = None):
    """Bars of the rank sums R_j (Kendall's W); the dashed line is their mean m(n + 1)/2."""
    check_lang(lang)
    ax = new_ax(ax, (1.5 + 0.6 * len(rank_sums), 3.2), layout="constrained")
    ax.bar([label(k, lang, names) for k in rank_sums.index], rank_sums.to_numpy(), color="#4c72b0")
    ax.axhline(rank_sums.mean(), color="grey", ls="--", lw=1)
    ax.set_ylabel(tr("rank_sum", lang))
    ax.set_title(title or tr("t_kendall", lang))
    if len(rank_sums) > 6:
        ax.tick_params(axis="x", rotation=30)
    return ax


def plot_rounds(rounds: pd.DataFrame, ax=None, lang: str = "en", title: str | None = None,
                w_limit: float = 0.7):
    """Kendall's W by round (line) with the stop threshold (dashed)."""
    check_lang(lang)
    ax = new_ax(ax, (5, 3.2), layout="constrained")
    r = rounds["round"].to_numpy()
    ax.plot(r, rounds["W"].to_numpy(), marker="o", color="#4c72b0", label=tr("kendall_w", lang))
    ax.axhline(w_limit, color="grey", ls="--", lw=1, label=f"W = {w_limit:.2f}")
    ax.set_xticks(r, [str(int(x)) for x in r])
    ax.set_ylim(0, 1)
    ax.set_xlabel(tr("round", lang))
    ax.set_ylabel(tr("kendall_w", lang))
    ax.set_title(title or tr("t_delphi_w", lang))
    ax.legend(fontsize=8, loc="lower right")
    return ax
