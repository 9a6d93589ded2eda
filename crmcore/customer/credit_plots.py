"""Plots of crmcore.credit: ``ax=None`` → new Axes, returns the Axes, every word in ``lang``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from crmcore.customer.credit_text import LABELS
from crmcore.labels import check_lang, text

if TYPE_CHECKING:
    from crmcore.customer.credit import CreditResult


def plot_grades(r: CreditResult, ax=None, lang: str = "en"):
    """Customers per credit grade (A–D, unrated), one bar each."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    g = r.grades()
    if ax is None:
        _, ax = plt.subplots()
    labels = [x if x != "unrated" else text("unrated", lang, LABELS) for x in g["grade"]]
    ax.bar(labels, g["customers"], color=["#55a868", "#4c72b0", "#dd8452", "#c44e52", "grey"])
    ax.set_xlabel(text("grade", lang, LABELS))
    ax.set_ylabel(text("customers", lang))
    ax.set_title(text("grades_title", lang, LABELS))
    return ax
