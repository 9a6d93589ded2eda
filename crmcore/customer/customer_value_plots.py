"""The chart of crmcore.customer_value: each top customer's score split into the value groups' contributions."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crmcore.customer.customer_value_text import LABELS
from crmcore.labels import check_lang, text

if TYPE_CHECKING:
    from crmcore.customer.customer_value import ScoreResult


def plot_contributions(result: ScoreResult, ax=None, lang: str = "en", top: int = 15):
    """Stacked bars: each top customer's score split into the value groups' contributions."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    t = result.table.head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(t) + 1.5), layout="constrained")
    left = np.zeros(len(t))
    for g in result.group_weights:
        ax.barh(t[result.id_col].astype(str), t[g], left=left, label=text(g, lang, LABELS))
        left += t[g].to_numpy()
    ax.set_xlabel(text("score", lang, LABELS) + " (0–100)")
    ax.set_xlim(0, 100)
    ax.set_title(text("top_customers", lang, LABELS))
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1 - 1.2 / (len(t) + 4)),
              ncol=len(result.group_weights))
    return ax
