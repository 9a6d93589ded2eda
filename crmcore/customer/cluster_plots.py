"""Plots of crmcore.cluster results: ``ax=None`` → new Axes, returns the Axes, every word in ``lang``.

The results' ``plot(...)`` methods call these functions with the result; this module imports none of the
method modules (type hints only), so computation never depends on drawing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from crmcore.customer.cluster_text import _t
from crmcore.labels import check_lang

if TYPE_CHECKING:
    from crmcore.customer.cluster_features import ScalingEffect
    from crmcore.customer.cluster_k import KChoice, Stability
    from crmcore.customer.cluster_models import Clustering
    from crmcore.customer.cluster_profile import Profile


def plot_choose_k(result: KChoice, axes=None, lang: str = "en"):
    """2×2 panel: inertia with the knee, silhouette, Calinski–Harabasz, Davies–Bouldin; the
    recommended k is marked in every panel. Returns the array of Axes."""
    check_lang(lang)
    plt = _plt()
    if axes is None:
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    axes = np.asarray(axes).ravel()
    t = result.table
    for ax, col in zip(axes, ["inertia", "silhouette", "calinski_harabasz", "davies_bouldin"]):
        ax.plot(t["k"], t[col], marker="o", color="C0")
        ax.axvline(result.recommended, color="C3", ls="--", lw=1, label=f"{_t('recommended', lang)} k = {result.recommended}")
        if col == "inertia" and result.knee is not None:
            y = t.loc[t["k"] == result.knee, "inertia"].iloc[0]
            ax.plot([t["k"].iloc[0], t["k"].iloc[-1]], [t["inertia"].iloc[0], t["inertia"].iloc[-1]],
                    color="grey", lw=0.8, ls=":")
            ax.scatter([result.knee], [y], s=120, facecolors="none", edgecolors="C1", lw=2,
                       label=f"{_t('knee', lang)} k = {result.knee}", zorder=3)
        ax.set_ylabel(_t(col, lang))
        ax.set_xlabel(_t("k", lang))
        ax.set_xticks(list(t["k"]))
    fig = axes[0].figure
    handles, labels = axes[0].get_legend_handles_labels()
    fig.suptitle(_t("title_choose_k", lang), fontweight="bold")
    # the legend sits under the panels, never on a curve
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return axes


def plot_stability(result: Stability, ax=None, lang: str = "en"):
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    t = result.table
    ax.errorbar(t["k"], t["mean_ari"], yerr=t["sd_ari"], marker="o", capsize=3)
    ax.set_ylim(min(0.0, t["mean_ari"].min() - 0.05), 1.02)
    ax.set_xlabel(_t("k", lang))
    ax.set_ylabel(_t("mean_ari", lang))
    ax.set_title(_t("title_stability", lang))
    return ax


def plot_silhouette(clustering: Clustering, ax=None, lang: str = "en", names: Mapping[int, str] | None = None,
                    sample_size: int = 5000):
    """Silhouette value of each customer (a seeded sample of ``sample_size``), grouped by cluster."""
    from sklearn.metrics import silhouette_samples

    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    Z = clustering.features.data.to_numpy()
    lab = clustering.labels.to_numpy()
    idx = _sample_rows(len(Z), sample_size, clustering.seed)
    idx = idx[lab[idx] >= 0]
    with threadpool_limits(limits=1):  # spinning BLAS threads slow scikit-learn down on a shared machine
        s = silhouette_samples(Z[idx], lab[idx])
    y0 = 0
    for c in np.unique(lab[idx]):
        v = np.sort(s[lab[idx] == c])
        ax.fill_betweenx(np.arange(y0, y0 + len(v)), 0, v, color=f"C{c % 10}", alpha=0.8,
                         label=_cluster_name(int(c), names, lang))
        y0 += len(v) + max(5, len(idx) // 100)
    ax.axvline(s.mean(), color="k", ls="--", lw=1)
    ax.text(s.mean(), y0, f" {_t('mean', lang)} {s.mean():.2f}", va="top", fontsize=8)
    ax.set_yticks([])
    ax.set_xlabel(_t("silhouette_value", lang))
    ax.set_title(_t("title_silhouette", lang))
    _legend_outside(ax)
    return ax


def plot_pca(clustering: Clustering, ax=None, lang: str = "en", names: Mapping[int, str] | None = None,
             sample_size: int = 5000):
    """Customers on the first two principal components of the features, coloured by cluster."""
    from sklearn.decomposition import PCA

    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    Z = clustering.features.data.to_numpy()
    with threadpool_limits(limits=1):  # spinning BLAS threads slow scikit-learn down on a shared machine
        pca = PCA(n_components=2).fit(Z)
    lab = clustering.labels.to_numpy()
    idx = _sample_rows(len(Z), sample_size, clustering.seed)
    P = pca.transform(Z[idx])
    for c in np.unique(lab):
        m = lab[idx] == c
        ax.scatter(P[m, 0], P[m, 1], s=8, alpha=0.5, color="lightgrey" if c < 0 else f"C{c % 10}",
                   label=_cluster_name(int(c), names, lang))
    C = pca.transform(clustering.centers.to_numpy())
    ax.scatter(C[:, 0], C[:, 1], marker="X", s=150, c=[f"C{c % 10}" for c in clustering.centers.index],
               edgecolors="k")
    v = pca.explained_variance_ratio_
    ax.set_xlabel(_t("pc", lang).format(i=1, v=v[0]))
    ax.set_ylabel(_t("pc", lang).format(i=2, v=v[1]))
    ax.set_title(_t("title_pca", lang))
    _legend_outside(ax, markerscale=2)
    return ax


def plot_snake(clustering: Clustering, ax=None, lang: str = "en", names: Mapping[int, str] | None = None):
    """Snake plot: mean z-score of each (prepared) feature per cluster, one line per cluster."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    D = clustering.features.data
    Zs = (D - D.mean()) / D.std(ddof=0)
    lab = clustering.labels.to_numpy()
    means = Zs[lab >= 0].groupby(lab[lab >= 0]).mean()
    for c, row in means.iterrows():
        ax.plot(range(len(row)), row.to_numpy(), marker="o", color=f"C{c % 10}", label=_cluster_name(int(c), names, lang))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(range(len(means.columns)))
    ax.set_xticklabels([f"log1p({_t(c, lang)})" if c in clustering.features.log_columns else _t(c, lang)
                        for c in means.columns], rotation=20)
    ax.set_ylabel(_t("z_mean", lang))
    ax.set_title(_t("title_snake", lang))
    _legend_outside(ax)
    return ax


def plot_profile_heatmap(prof: Profile, ax=None, lang: str = "en", features: Sequence[str] | None = None):
    """Heatmap of cluster mean ÷ overall mean (colour on a log2 scale, centred on 1 = average)."""
    import seaborn as sns

    plt = _plt()
    feats = list(features) if features is not None else list(prof.overall.index)
    M = prof.table[[f"{f}_mean_index" for f in feats]].copy()
    M.columns = [_t(f, lang) for f in feats]
    names = prof.name_of(lang)
    M.index = [_cluster_name(int(c), names, lang) for c in M.index]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * len(feats) + 4, 0.55 * len(M) + 1.5))
    color = np.log2(M.clip(lower=1e-3).astype(float))
    sns.heatmap(color, annot=M.round(2), fmt="", cmap="RdBu_r", center=0, ax=ax, cbar=False, linewidths=0.5)
    ax.set_title(_t("title_heatmap", lang))
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=20)
    return ax


def plot_scaling_effect(result: ScalingEffect, ax=None, lang: str = "en"):
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    t = result.table.rename(index=lambda v: _t(f"prep_{v}", lang), columns=lambda c: _t(c, lang))
    t.T.plot.bar(ax=ax, rot=0)
    ax.set_ylim(0, 1)
    ax.set_ylabel(_t("eta2", lang))
    ax.set_xlabel(_t("feature", lang))
    ax.set_title(_t("title_scaling", lang))
    _legend_outside(ax)
    return ax


# ---------------------------------------------------------------- helpers
def _legend_outside(ax, **kw) -> None:
    """Legend to the right of the axes, so it never covers data; the figure widens to hold it."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, frameon=False, **kw)
    ax.figure.tight_layout()


def _sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _cluster_name(c: int, names: Mapping[int, str] | None, lang: str) -> str:
    if c < 0:
        return _t("noise", lang)
    if names and c in names:
        return f"{c}: {names[c]}"
    return f"{_t('cluster', lang)} {c}"


def _plt():
    import matplotlib.pyplot as plt

    return plt
