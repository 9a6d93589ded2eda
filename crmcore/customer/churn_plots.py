"""Plots of crmcore.churn: ``ax=None`` → new Axes, returns the Axes, every word in ``lang``.

They take the :class:`~crmcore.churn.ChurnStudy` and read its numbers through its methods; this module
imports no method module (type hints only).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmcore.customer.churn_text import FEATURE_LABELS, LABELS
from crmcore.labels import check_lang, text

if TYPE_CHECKING:
    from crmcore.customer.churn import ChurnStudy


def plot_sweep(s: ChurnStudy, ax=None, lang: str = "en", *, model: str = "boosting", threshold: float | None = None):
    """Error rate, miss rate and share warned against the warning line; the chosen line dashed."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    sw = s.sweep(model=model, thresholds=np.round(np.arange(0.02, 0.99, 0.02), 2))
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(sw["threshold"], sw["error_rate"], label=text("error_rate", lang, LABELS), color="#c44e52")
    ax.plot(sw["threshold"], sw["miss_rate"], label=text("miss_rate", lang, LABELS), color="#4c72b0")
    ax.plot(sw["threshold"], sw["warned_share"], label=text("warned_share", lang, LABELS), color="grey", ls=":")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1)
    ax.set_xlabel(text("threshold", lang, LABELS))
    ax.set_ylim(0, 1)
    ax.set_title(f"{text('sweep_title', lang, LABELS)} — {text(model, lang, LABELS)}")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_lift(s: ChurnStudy, ax=None, lang: str = "en", *, model: str = "boosting"):
    """Lift by score decile (bars) with the average as a line at 1."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    lt = s.lift(model=model)
    if ax is None:
        _, ax = plt.subplots()
    ax.bar(lt["decile"].astype(str), lt["lift"], color="#4c72b0")
    ax.axhline(1, color="grey", ls="--", lw=1)
    ax.set_xlabel(text("decile", lang, LABELS))
    ax.set_ylabel(text("lift", lang, LABELS))
    ax.set_title(f"{text('lift_title', lang, LABELS)} — {text(model, lang, LABELS)}")
    return ax


def plot_importance(s: ChurnStudy, ax=None, lang: str = "en", *, model: str | None = None, top: int = 10,
                    importance: pd.DataFrame | None = None):
    """Permutation importance (drop in test ROC AUC when a feature is shuffled), largest first."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    imp = (s.importance(model=model) if importance is None else importance).head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.4 * len(imp) + 1.5))
    names = [FEATURE_LABELS[f][lang] if lang == "zh" else f for f in imp["feature"]]
    ax.barh(names, imp["importance"], xerr=imp["importance_sd"], color="#4c72b0")
    ax.axvline(0, color="grey", lw=1)
    ax.set_xlabel(text("importance", lang, LABELS))
    ax.set_title(text("importance_title", lang, LABELS))
    return ax
