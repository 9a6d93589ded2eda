"""Charts of RFM: seaborn style (``ax=None`` → a new Axes; the Axes is returned), every word in ``lang``.

The public ``rfm.plot_*`` functions and the results' ``plot`` methods check their input and hand the numbers
to the functions here; this module imports no RFM computation.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from crmcore.customer.rfm_text import LABELS, SCHEME_NAMES
from crmcore.labels import text
from crmcore.plotting import new_ax


def distribution(values: pd.Series, column: str, *, log: bool = False, ax=None, lang: str = "en"):
    """Histogram of one of ``recency``, ``frequency``, ``monetary`` (``log=True``: log-scaled x axis)."""
    import seaborn as sns

    ax = new_ax(ax)
    v = values.astype(float)
    if log:
        v = v[v > 0]
    sns.histplot(v, ax=ax, log_scale=log, bins=40, color="#4C72B0")
    ax.set_xlabel(text(column, lang, LABELS) + (text("log", lang, LABELS) if log else ""))
    ax.set_ylabel(text("customers", lang))
    ax.set_title(text(f"title_{column}", lang, LABELS))
    _plain_ticks(ax.xaxis)
    _plain_ticks(ax.yaxis)
    return ax


def rf_heatmap(df: pd.DataFrame, bins: int, *, ax=None, lang: str = "en"):
    """R × F grid of ``df`` (columns R, F, monetary) coloured by mean monetary value, annotated with the
    number of customers."""
    import seaborn as sns

    idx = list(range(bins, 0, -1))
    mean_m = df.pivot_table(index="R", columns="F", values="monetary", aggfunc="mean").reindex(index=idx, columns=range(1, bins + 1))
    n = df.pivot_table(index="R", columns="F", values="monetary", aggfunc="size").reindex(index=idx, columns=range(1, bins + 1))
    annot = (mean_m.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}") + "\n("
             + n.fillna(0).astype(int).map(lambda v: f"{v:,}") + ")")
    ax = new_ax(ax)
    sns.heatmap(mean_m, annot=annot.to_numpy(), fmt="", cmap="YlGnBu", ax=ax,
                cbar_kws={"label": text("mean_M", lang, LABELS)}, annot_kws={"fontsize": 7})
    ax.collections[0].colorbar.ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_xlabel(text("F", lang, LABELS))
    ax.set_ylabel(text("R", lang, LABELS))
    ax.set_title(text("rf_heatmap", lang, LABELS))
    return ax


def segment_shares(summary: pd.DataFrame, scheme: str, *, ax=None, lang: str = "en"):
    """Share of customers and share of revenue per segment, side by side, from a segment summary."""
    import seaborn as sns

    long = pd.concat([
        pd.DataFrame({"segment": summary["segment_name"], "share": summary["share"], "what": text("customers", lang)}),
        pd.DataFrame({"segment": summary["segment_name"], "share": summary["revenue_share"], "what": text("revenue", lang)}),
    ])
    ax = new_ax(ax)
    sns.barplot(data=long, y="segment", x="share", hue="what", ax=ax, orient="h")
    ax.set_xlabel(text("share", lang))
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.legend(title="", loc="lower right")
    ax.set_title(text("segment_sizes", lang, LABELS) + f" ({scheme_name(scheme, lang)})")
    return ax


def migration_heatmap(rates: pd.DataFrame, names: Mapping[str, str], asof_from: str, asof_to: str, *, ax=None,
                      lang: str = "en"):
    """Heatmap of the share of each starting segment that ends in each segment (segment keys → ``names``)."""
    import seaborn as sns

    rates = rates.rename(index=lambda s: names.get(s, s), columns=lambda s: names.get(s, s))
    ax = new_ax(ax)
    sns.heatmap(rates, annot=True, fmt=".0%", cmap="Blues", ax=ax, cbar=False, annot_kws={"fontsize": 7})
    ax.set_xlabel(f"{text('to', lang, LABELS)} {asof_to}")
    ax.set_ylabel(f"{text('from', lang, LABELS)} {asof_from}")
    ax.set_title(f"{text('migration', lang, LABELS)}: {asof_from} → {asof_to}")
    return ax


def scheme_name(scheme: str, lang: str) -> str:
    """The scheme's name in a chart title (a user's rule table: "own rules")."""
    return SCHEME_NAMES[scheme if scheme in SCHEME_NAMES else "rules"][lang]


def _plain_ticks(axis) -> None:
    """Tick labels as 1,000 / 0.5, never 10³ or 1e+03 (also on log axes)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}" if abs(x) >= 1 or x == 0 else f"{x:g}"))
    axis.set_minor_formatter(NullFormatter())
