"""Profiling and naming clusters (类别画像与命名), and clusters against another grouping.

:func:`profile` gives each cluster's size, shares and the mean and median of every feature in original
units against the overall mean, and names the clusters by the 8-class RFM rule (:func:`naming_rule`:
R, F, M each high or low against the overall mean). The 8-class names, rule and actions are the RFM
module's (``rfm.CN8``; 黄成明《数据化管理》2014), one source for both methods. :func:`crosstab` sets the
clusters against RFM segments or a known type (adjusted Rand index and purity).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.customer import cluster_plots, cluster_text, rfm
from crmcore.customer.cluster_features import (FREQUENCY_NAMES, MONETARY_NAMES, RECENCY_NAMES, _find,
                                               _numeric_table)
from crmcore.customer.cluster_models import Clustering, _labels_of
from crmcore.customer.cluster_text import COLUMNS, LABELS, _t  # noqa: F401  (COLUMNS, LABELS: headers)
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.results import ParagraphResult, Result, deprecated

# the 8-class names, rule and actions are the RFM module's (one source for both methods)
NAMES: dict[str, Mapping[str, str]] = {r["segment"]: {"en": r["en"], "zh": r["zh"]} for r in rfm.CN8}
RULE: dict[tuple[bool, bool, bool], str] = {
    (r["R"] == "high", r["F"] == "high", r["M"] == "high"): r["segment"] for r in rfm.CN8}
ACTIONS: dict[str, Mapping[str, str]] = {r["segment"]: {"en": r["action_en"], "zh": r["action_zh"]} for r in rfm.CN8}


def naming_rule(lang: str = "en") -> pd.DataFrame:
    """The 8-class rule: R, F, M each high or low against the overall mean → name.

    R high means the cluster's mean recency (days since last purchase) is *below* the overall
    mean — the customers bought recently. F and M high mean above the overall mean. Equal to the
    mean counts as high (the convention of ``crmcore.rfm.segment(scheme="cn8")``, whose segment
    keys these names share).
    """
    check_lang(lang)
    rows = []
    for (r, f, m), key in RULE.items():
        rows.append({"R": _t("high" if r else "low", lang), "F": _t("high" if f else "low", lang),
                     "M": _t("high" if m else "low", lang), "name_zh": NAMES[key]["zh"], "name_en": NAMES[key]["en"],
                     "action": ACTIONS[key][lang]})
    return pd.DataFrame(rows)


def name_clusters(
    means: pd.DataFrame,
    overall: Mapping[str, float] | pd.Series,
    *,
    recency: str,
    frequency: str,
    monetary: str,
) -> pd.DataFrame:
    """Name clusters from their mean R, F, M against the overall means (see :func:`naming_rule`).

    ``means``: one row per cluster with the three columns; ``overall``: the overall mean of each.
    Returns per cluster: R_high, F_high, M_high, code (e.g. "R↑F↓M↑"), key, name_en, name_zh, and
    name_unique_* (a suffix " (2)" when two clusters share a name, in cluster order).
    """
    for c in (recency, frequency, monetary):
        if c not in means.columns:
            raise ParameterError(f"column {c!r} is not in the cluster means; columns: {', '.join(map(str, means.columns))}.")
    # ties go to "high", as in crmcore.rfm.segment(scheme="cn8")
    r = means[recency] <= overall[recency]
    f = means[frequency] >= overall[frequency]
    m = means[monetary] >= overall[monetary]
    out = pd.DataFrame({"R_high": r, "F_high": f, "M_high": m}, index=means.index)
    arrow = {True: "↑", False: "↓"}
    out["code"] = [f"R{arrow[a]}F{arrow[b]}M{arrow[c]}" for a, b, c in zip(r, f, m)]
    out["key"] = [RULE[(bool(a), bool(b), bool(c))] for a, b, c in zip(r, f, m)]
    for lang in ("en", "zh"):
        out[f"name_{lang}"] = [NAMES[k][lang] for k in out["key"]]
        seen: dict[str, int] = {}
        uniq = []
        for k, nm in zip(out["key"], out[f"name_{lang}"]):
            seen[k] = seen.get(k, 0) + 1
            uniq.append(nm if seen[k] == 1 else f"{nm} ({seen[k]})")
        out[f"name_unique_{lang}"] = uniq
    return out


def profile(
    labels: Any,
    table: Any = None,
    *,
    columns: Sequence[str] | None = None,
    id_col: str = "customer_id",
    rfm: tuple[str, str, str] | None = None,
    revenue: str | None = None,
    lang: str = "en",
) -> Profile:
    """Profile clusters in the original units and name them by the 8-class RFM rule.

    Parameters
    ----------
    labels : Clustering from :func:`fit` or a Series cluster per customer id.
    table : per-customer table in original units; default the clustering's raw features. Extra
        columns (not clustered on) can be profiled too.
    rfm : (recency, frequency, monetary) column names; default found by name (recency/recency_days,
        frequency/orders, monetary/revenue/amount/sales).
    revenue : column summed for the revenue share; default the monetary column.

    ``<feature>_mean_index`` = cluster mean ÷ overall mean (1 = average), likewise
    ``<feature>_median_index`` = cluster median ÷ overall mean. Noise (−1) is profiled as its own row.
    """
    check_lang(lang)
    lab = _labels_of(labels)
    if table is None:
        if not isinstance(labels, Clustering):
            raise ParameterError("pass table= (the per-customer values) when labels is a Series.")
        raw = labels.features.raw if columns is None else _numeric_table(
            labels.features.raw, columns, id_col=id_col, what="profile")
    else:
        raw = _numeric_table(table, columns, id_col=id_col, what="profile")
    common = raw.index.intersection(lab.index)
    if len(common) < len(lab):
        missing = lab.index.difference(raw.index)
        raise data_error("have a cluster but no row in the profile table", column=id_col,
                         n_bad=len(missing), n_total=len(lab), examples=[(i, i) for i in missing[:3]],
                         fix="Profile the same customers that were clustered")
    raw = raw.loc[lab.index]
    if rfm is None:
        rfm_cols = (_find(raw.columns, RECENCY_NAMES), _find(raw.columns, FREQUENCY_NAMES),
                    _find(raw.columns, MONETARY_NAMES))
    else:
        rfm_cols = tuple(rfm)
        bad = [c for c in rfm_cols if c not in raw.columns]
        if bad:
            raise ParameterError(f"rfm= names column(s) {', '.join(map(repr, bad))} not in the table; "
                                 f"columns: {', '.join(raw.columns)}.")
    rev_col = revenue if revenue is not None else rfm_cols[2]
    if rev_col is not None and rev_col not in raw.columns:
        raise ParameterError(f"revenue={rev_col!r} is not a column; columns: {', '.join(raw.columns)}.")
    overall = raw.mean()
    g = raw.groupby(lab.to_numpy())
    means, medians = g.mean(), g.median()
    size = g.size()
    tab = pd.DataFrame({"size": size, "share": size / len(raw)})
    if rev_col is not None:
        tab["revenue_share"] = g[rev_col].sum() / raw[rev_col].sum()
    else:
        tab["revenue_share"] = np.nan
    long_rows = []
    for f in raw.columns:
        tab[f"{f}_mean"] = means[f]
        tab[f"{f}_median"] = medians[f]
        denom = overall[f] if overall[f] != 0 else np.nan
        tab[f"{f}_mean_index"] = means[f] / denom
        tab[f"{f}_median_index"] = medians[f] / denom
        for c in means.index:
            long_rows.append({"cluster": c, "feature": f, "mean": means.loc[c, f], "median": medians.loc[c, f],
                              "overall_mean": overall[f], "mean_index": means.loc[c, f] / denom,
                              "median_index": medians.loc[c, f] / denom})
    tab = tab.rename_axis("cluster").sort_index()
    names = None
    if all(c is not None for c in rfm_cols):
        named = means[means.index >= 0]
        names = name_clusters(named, overall, recency=rfm_cols[0], frequency=rfm_cols[1], monetary=rfm_cols[2])
        tab["code"] = names["code"]
        tab["name_en"] = names["name_unique_en"]
        tab["name_zh"] = names["name_unique_zh"]
    return Profile(table=tab, long=pd.DataFrame(long_rows), names=names, overall=overall,
                   rfm=rfm_cols, revenue=rev_col, lang=lang)


def assignments(clustering: Clustering, prof: Profile | None = None) -> pd.DataFrame:
    """The export table: customer id, cluster, names (en, zh) and the raw feature values."""
    out = clustering.to_frame()
    if prof is not None and prof.names is not None:
        out.insert(2, "name_en", out["cluster"].map(prof.name_of("en")))
        out.insert(3, "name_zh", out["cluster"].map(prof.name_of("zh")))
    return out.sort_values(out.columns[0], kind="stable").reset_index(drop=True)


def crosstab(labels: Any, segments: pd.Series, *, what: str = "segments") -> CrossTab:
    """Cross-tabulate clusters (rows) against segments (columns) on their common customers.

    ``what`` names the other grouping in sentences: "segments" (RFM segment), "true_type" or any text.

    ``purity`` = share of customers in their cluster's most common segment; ``ari`` = adjusted
    Rand index between the two groupings.
    """
    from sklearn.metrics import adjusted_rand_score

    lab = _labels_of(labels)
    if not isinstance(segments, pd.Series):
        raise DataError("segments must be a Series indexed by customer id (e.g. rfm.set_index('customer_id')['segment']).")
    common = lab.index.intersection(segments.index)
    if len(common) == 0:
        raise DataError("clusters and segments share no customer id; index both by customer id. "
                        f"Examples: clusters {list(lab.index[:2])}, segments {list(segments.index[:2])}.")
    a, b = lab.loc[common], segments.loc[common]
    tab = pd.crosstab(a.rename("cluster"), b.rename(segments.name or "segment"))
    purity = float(tab.max(axis=1).sum() / tab.to_numpy().sum())
    return CrossTab(table=tab, ari=float(adjusted_rand_score(a.astype(str), b.astype(str))), purity=purity,
                    n=len(common), what=what)


@dataclass(frozen=True, eq=False, repr=False)
class Profile(Result):
    """Per-cluster profile: size, shares, mean/median of each feature and their index to the overall mean."""

    table: pd.DataFrame          # one row per cluster (wide)
    long: pd.DataFrame           # one row per cluster × feature
    names: pd.DataFrame | None   # from name_clusters, or None when R/F/M columns were not found
    overall: pd.Series
    rfm: tuple[str | None, str | None, str | None]
    revenue: str | None
    lang: str = "en"
    title: str = "Cluster profiles (类别画像)"
    _conventions = ("rfm", "revenue")
    _columns = cluster_text.RESULT_COLUMNS

    def name_of(self, lang: str | None = None) -> dict[int, str]:
        """cluster → unique name in ``lang`` (the cluster number when unnamed)."""
        lang = lang or self.lang
        if self.names is None:
            return {int(c): f"{_t('cluster', lang)} {c}" for c in self.table.index}
        return {int(c): v for c, v in self.names[f"name_unique_{lang}"].items()}

    def interpret(self, lang: str | None = None, *, max_features: int = 3) -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return list(self._describe_text(lang, max_features=max_features))

    @deprecated("interpret")
    def describe(self, lang: str | None = None, *, max_features: int = 3) -> list[str]:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._describe_text(lang, max_features=max_features)

    def _describe_text(self, lang: str | None = None, *, max_features: int = 3) -> list[str]:
        """One sentence per cluster, generated from the numbers."""
        return cluster_text.profile_sentences(self, lang, max_features=max_features)

    def actions(self, lang: str | None = None) -> pd.DataFrame:
        """Cluster, name, share, revenue share and the suggested action of its 8-class name."""
        lang = lang or self.lang
        if self.names is None:
            raise DomainError("the clusters have no names (no recency/frequency/monetary columns found); "
                              "pass rfm=(recency, frequency, monetary) to profile().")
        return pd.DataFrame({
            _t("cluster", lang): self.table.index,
            _t("name", lang): [self.name_of(lang)[int(c)] for c in self.table.index],
            text("share", lang): self.table["share"].to_numpy(),
            text("revenue_share", lang): self.table["revenue_share"].to_numpy(),
            _t("action", lang): [ACTIONS[k][lang] for k in self.names["key"]],
        })

    def plot(self, ax=None, lang: str | None = None):
        return cluster_plots.plot_profile_heatmap(self, ax=ax, lang=lang or self.lang)


@dataclass(frozen=True, eq=False, repr=False)
class CrossTab(ParagraphResult):
    """Clusters against another grouping (RFM segments, a known type): counts, ARI and purity."""

    table: pd.DataFrame
    ari: float
    purity: float
    n: int
    what: str = "segments"
    title: str = "Clusters vs segments (聚类与分群对照)"
    _conventions = ("n",)
    _columns = cluster_text.RESULT_COLUMNS

    def shares(self) -> pd.DataFrame:
        """Row shares: of each cluster's customers, the share in each segment."""
        return self.table.div(self.table.sum(axis=1), axis=0)

    def _summary_text(self, lang: str = "en") -> str:
        return cluster_text.crosstab_text(self, lang)
