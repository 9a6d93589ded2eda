"""Charts of crmcore.porter: the five-forces radar and the driver bars (every word in ``lang``)."""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Iterable

import numpy as np

from crmcore.errors import ParameterError
from crmcore.labels import check_lang, text
from crmcore.strategy.porter_text import FORCES, LABELS, _scenario_label

if TYPE_CHECKING:
    from crmcore.strategy.porter import FiveForcesResult


_FORCE_COLORS = dict(zip(FORCES, ["#4a7fb5", "#d08c3f", "#4c9a6a", "#8064a2", "#c0504d"]))


def plot_radar(result: "FiveForcesResult", ax=None, lang: str = "en", *, scenarios: Iterable[str] | None = None):
    """All scenarios' force intensities on one radar chart (1–5, outer = strong force)."""
    check_lang(lang)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6.5), subplot_kw={"projection": "polar"})
    elif getattr(ax, "name", "") != "polar":
        raise ParameterError("plot_radar needs a polar Axes: create it with plt.subplots(subplot_kw={'projection': 'polar'}) "
                             "or pass ax=None.")
    names = list(scenarios) if scenarios is not None else list(result.scenarios)
    angles = np.linspace(0, 2 * np.pi, len(FORCES), endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    palette = plt.get_cmap("tab10")
    for k, s in enumerate(names):
        vals = result.intensity(s).to_numpy(float)
        vals = np.concatenate([vals, vals[:1]])
        ax.plot(closed, vals, "-o", color=palette(k), lw=2, ms=4, label=_scenario_label(result, s, lang))
        ax.fill(closed, vals, color=palette(k), alpha=0.08)
    ax.set_xticks(angles)
    ax.set_xticklabels(["\n".join(textwrap.wrap(text(f, lang, LABELS), 14)) for f in FORCES], fontsize=9)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_yticklabels(["1", "2", "3", "4", "5"], fontsize=8, color="0.4")
    ax.set_title(text("radar_title", lang, LABELS), pad=20)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.12), fontsize=8, frameon=False)
    return ax


def plot_drivers(result: "FiveForcesResult", ax=None, lang: str = "en", scenario: str | None = None):
    """Horizontal bars of driver scores for one scenario, grouped and coloured by force, weights annotated."""
    check_lang(lang)
    import matplotlib.pyplot as plt

    s = result._scenario(scenario)
    d = result.drivers[result.drivers["scenario"] == s]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.32 * len(d) + 1.8))
    ypos, labels, colors, scores, wts = [], [], [], [], []
    y = 0.0
    group_mid = {}
    for f in FORCES:
        g = d[d["force"] == f]
        start = y
        for _, r in g.iterrows():
            lab = (r["label_zh"] or r["label"]) if lang == "zh" else r["label"]
            labels.append(textwrap.shorten(lab, 60, placeholder="…") if lang == "en" else lab[:30])
            ypos.append(y)
            colors.append(_FORCE_COLORS[f])
            scores.append(r["score"])
            wts.append(r["weight"])
            y += 1
        group_mid[f] = (start + y - 1) / 2
        y += 0.8
    ax.barh(ypos, scores, color=colors, height=0.75)
    for yy, sc, w in zip(ypos, scores, wts):
        ax.text(sc + 0.05, yy, f"权重 {w:.2f}" if lang == "zh" else f"w={w:.2f}", va="center", fontsize=7, color="0.3")
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 5.6)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel(text("score", lang, LABELS))
    inten = result.intensity(s)
    handles = [plt.Rectangle((0, 0), 1, 1, color=_FORCE_COLORS[f]) for f in FORCES]
    ax.legend(handles, [f"{text(f, lang, LABELS)} ({inten[f]:.2f})" for f in FORCES], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_title(f"{text('drivers_title', lang, LABELS)} — {_scenario_label(result, s, lang)}")
    return ax
