"""The charts of the data overview (:mod:`crmcore.sales.overview`), seaborn-styled, every word in ``lang``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import FuncFormatter

from crmcore.labels import check_lang, text
from crmcore.plotting import new_ax
from crmcore.sales.overview_text import LABELS

if TYPE_CHECKING:
    from crmcore.sales.overview import Overview, PlanComparison


def plot_monthly(ov: Overview, ax: Any = None, lang: str = "en"):
    """Monthly revenue bars with the number of active customers on a second axis."""
    import seaborn as sns  # loaded with the first chart, not with the module

    check_lang(lang)
    ax = new_ax(ax, figsize=(9, 4))
    m = ov.monthly
    sns.barplot(x=m["period"].dt.strftime("%Y-%m"), y=m["revenue"], color="#4c72b0", ax=ax)
    ax.set_xlabel(text("month", lang))
    ax.set_ylabel(text("revenue", lang))
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax2 = ax.twinx()
    ax2.plot(range(len(m)), m["customers"], color="#dd8452", marker="o", ms=3)
    ax2.set_ylabel(text("customers", lang), color="#dd8452")
    ax.set_title(LABELS("title_monthly", lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return ax


def plot_plan(pc: PlanComparison, ax: Any = None, lang: str = "en"):
    """Actual and plan per month (only when there is a plan to compare with)."""
    check_lang(lang)
    ax = new_ax(ax, figsize=(9, 3.5))
    t = pc.table
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["plan"], width=0.4, color="#BBBBBB", label=LABELS("plan", lang))
    ax.bar(x + 0.2, t["actual"], width=0.4, color="#4C72B0", label=LABELS("actual", lang))
    ax.set_xticks(x, t["month"], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(text("revenue", lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(LABELS("title_plan", lang, g=pc.growth))
    ax.legend(fontsize="small", loc="upper left")
    return ax
