"""Charts of the customer lifecycle: seaborn style (``ax=None`` → a new Axes; the Axes is returned), every
word in ``lang``. The results' ``plot`` methods hand their tables to the functions here; this module imports
no lifecycle computation."""
from __future__ import annotations

import pandas as pd

from crmcore.customer.lifecycle_text import LABELS
from crmcore.labels import text
from crmcore.plotting import new_ax


def stage_bars(counts: pd.DataFrame, asof: pd.Timestamp, *, ax=None, lang: str = "en"):
    """Customers per stage (``counts``: stage, customers in lifecycle order) as horizontal bars."""
    ax = new_ax(ax)
    ax.barh([text(s, lang, LABELS) for s in counts["stage"]][::-1], counts["customers"][::-1], color="#4c72b0")
    ax.set_xlabel(text("customers", lang))
    ax.set_title(f"{text('stage', lang, LABELS)} — {asof:%Y-%m-%d}")
    return ax


def stage_areas(counts: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Stage × month counts as stacked areas over the months."""
    ax = new_ax(ax, figsize=(9, 4.5))
    x = pd.to_datetime(counts.columns)
    ax.stackplot(x, counts.to_numpy(), labels=[text(s, lang, LABELS) for s in counts.index], alpha=0.85)
    ax.set_ylabel(text("customers", lang))
    ax.set_title(text("stage_counts", lang, LABELS))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return ax


def transitions_heatmap(matrix: pd.DataFrame, *, ax=None, lang: str = "en"):
    """From-stage × to-stage moves (labels already in ``lang``) as an annotated heatmap."""
    import seaborn as sns

    ax = new_ax(ax, figsize=(8, 5.5))
    sns.heatmap(matrix, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
    ax.set_xlabel(text("to", lang, LABELS))
    ax.set_ylabel(text("from", lang, LABELS))
    ax.set_title(text("flows_title", lang, LABELS))
    return ax
