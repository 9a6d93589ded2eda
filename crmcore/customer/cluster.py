"""Customer clustering (客户聚类): prepare features, choose k, compare models, profile and name clusters.

Clustering finds customer groups without fixing value thresholds or weights in advance: the
input is unclassified per-customer records (an RFM table, ``engine.customer_summary`` or any
numeric per-customer table) and the algorithm groups them so that similarity inside a group is
high and between groups low.

The pipeline:

1. :func:`prepare_features` — ``log1p`` for skewed money and counts, then standard / robust /
   min-max scaling; the transform is recorded in the result.
2. :func:`choose_k` — inertia with knee detection (Kneedle: the point farthest from the chord,
   Satopää et al. 2011), silhouette (Rousseeuw 1987; sampled for large n), Calinski–Harabasz
   (1974), Davies–Bouldin (1979) in one table, and a recommended k with the reason
   (:func:`recommend_k`: the k most criteria choose; a tie goes to the best mean rank).
   :func:`stability` — bootstrap stability: mean adjusted Rand index (Hubert & Arabie 1985)
   between the full-data clustering and clusterings fitted on resamples (Hennig 2007).
3. :func:`fit` / :func:`compare_models` — k-means (default), mini-batch k-means (large n),
   Gaussian mixture, agglomerative (Ward) and DBSCAN on the same features.
4. :func:`profile` — size, share, revenue share, mean and median of each feature against the
   overall mean, and automatic names from the 8-class RFM rule (:func:`naming_rule`).

**Centres and inertia — one definition everywhere.** A cluster's centre is the point the model
assigns customers by: the final centres of (mini-batch) k-means (``cluster_centers_``, what
``predict`` uses), the component means of a Gaussian mixture (``means_``), and the label means for
Ward and DBSCAN (which cannot assign new customers). Inertia is the sum of squared distances of the
customers to their own cluster's centre, ``W = Σ_i ‖z_i − μ_c(i)‖²`` (noise left out) — for k-means
exactly scikit-learn's ``inertia_``. :func:`fit`, :func:`choose_k` and ``Clustering.centers`` all use
it (:func:`_centres_inertia`).

**Stable labels.** Every fit sorts the customers by id before fitting (so a shuffled input gives
the same fit) and then relabels the clusters canonically: **cluster 0 has the highest mean of the
monetary column** (``order_by``; the first of monetary / revenue / amount / sales found, else the
first feature), cluster 1 the next highest, and so on (ties by size, larger first). DBSCAN's noise
stays ``-1``.

References: Satopää, Albrecht, Irwin & Raghavan (2011), "Finding a 'Kneedle' in a haystack",
ICDCS workshops; Rousseeuw (1987), J. Comput. Appl. Math. 20:53–65; Caliński & Harabasz (1974),
Commun. Stat. 3:1–27; Davies & Bouldin (1979), IEEE PAMI 1:224–227; Hubert & Arabie (1985),
J. Classification 2:193–218; Hennig (2007), Comput. Stat. Data Anal. 52:258–271. The 8-class
RFM names (重要价值客户 … 一般挽留客户) follow the usual Chinese CRM teaching scheme, e.g.
黄成明《数据化管理》(2014).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.customer import rfm as _rfm
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import COMMON, check_lang, text
from crmcore.results import ParagraphResult, Result, deprecated, split_sentences

#: share of the total raw variance from which one feature is said to dominate raw distances
DOMINANT_SHARE = 0.8
SCALINGS = ("standard", "robust", "minmax", "none")
MODELS = ("kmeans", "minibatch", "gmm", "ward", "dbscan")
#: default restarts per model (fixed, so results do not depend on sklearn's "auto")
N_INIT = {"kmeans": 10, "minibatch": 3, "gmm": 3}
#: above this many customers ``model="auto"`` uses mini-batch k-means
LARGE_N = 50_000
#: Ward needs O(n²) memory; above this many customers it is refused
WARD_MAX = 20_000

#: column names recognised as R, F and M (case-insensitive, first match wins)
RECENCY_NAMES = ("recency", "recency_days", "r")
FREQUENCY_NAMES = ("frequency", "orders", "invoices", "f", "purchase_days")
MONETARY_NAMES = ("monetary", "revenue", "monetary_value", "m", "amount", "sales")

LABELS: dict[str, dict[str, str]] = {
    "cluster": {"en": "cluster", "zh": "类别"},
    "k": {"en": "number of clusters k", "zh": "聚类数 k"},
    "inertia": {"en": "inertia (within-cluster SS)", "zh": "簇内平方和"},
    "silhouette": {"en": "silhouette (higher is better)", "zh": "轮廓系数（越高越好）"},
    "calinski_harabasz": {"en": "Calinski–Harabasz (higher is better)", "zh": "CH 指数（越高越好）"},
    "davies_bouldin": {"en": "Davies–Bouldin (lower is better)", "zh": "DB 指数（越低越好）"},
    "knee": {"en": "knee", "zh": "拐点"},
    "recommended": {"en": "recommended", "zh": "推荐"},
    "title_choose_k": {"en": "Choosing the number of clusters", "zh": "选择聚类数"},
    "title_silhouette": {"en": "Silhouette per cluster", "zh": "各类轮廓系数"},
    "silhouette_value": {"en": "silhouette value", "zh": "轮廓系数"},
    "mean": {"en": "mean", "zh": "均值"},
    "title_pca": {"en": "Clusters on the first two principal components", "zh": "主成分平面上的聚类"},
    "pc": {"en": "PC{i} ({v:.0%} of variance)", "zh": "主成分{i}（解释方差 {v:.0%}）"},
    "title_snake": {"en": "Snake plot: standardised feature means", "zh": "蛇形图：标准化特征均值"},
    "z_mean": {"en": "mean z-score", "zh": "标准化均值"},
    "feature": {"en": "feature", "zh": "特征"},
    "title_heatmap": {"en": "Cluster profile: mean ÷ overall mean", "zh": "类别画像：均值 ÷ 总体均值"},
    "title_stability": {"en": "Bootstrap stability", "zh": "自助法稳定性"},
    "mean_ari": {"en": "mean adjusted Rand index", "zh": "平均调整兰德指数"},
    "title_scaling": {"en": "What the clusters capture, by scaling", "zh": "不同缩放方式下聚类捕捉的信息"},
    "eta2": {"en": "share of feature variance explained by clusters (η²)",
             "zh": "特征方差中被类别解释的比例（η²）"},
    "noise": {"en": "noise", "zh": "噪声"},
    "prep_raw": {"en": "raw values", "zh": "原始数值"},
    "prep_standard": {"en": "standardised", "zh": "标准化"},
    "prep_log1p + standard": {"en": "log1p + standardised", "zh": "log1p + 标准化"},
    # models
    "kmeans": {"en": "k-means", "zh": "K 均值"},
    "minibatch": {"en": "mini-batch k-means", "zh": "小批量 K 均值"},
    "gmm": {"en": "Gaussian mixture", "zh": "高斯混合模型"},
    "ward": {"en": "agglomerative (Ward)", "zh": "层次聚类（Ward）"},
    "dbscan": {"en": "DBSCAN", "zh": "DBSCAN 密度聚类"},
    # criteria
    "crit_knee": {"en": "knee of the inertia curve", "zh": "簇内平方和曲线拐点"},
    "crit_silhouette": {"en": "highest silhouette", "zh": "轮廓系数最高"},
    "crit_ch": {"en": "highest Calinski–Harabasz", "zh": "CH 指数最高"},
    "crit_db": {"en": "lowest Davies–Bouldin", "zh": "DB 指数最低"},
    "say_choice": {
        "en": "Recommended k = {k}: {how}. Per criterion: {per}.",
        "zh": "推荐聚类数 k = {k}：{how}。各指标的选择：{per}。",
    },
    "how_vote": {"en": "chosen by {n} of {m} criteria ({names})", "zh": "{m} 个指标中有 {n} 个选择它（{names}）"},
    "how_vote_tie": {"en": "; a tie, broken by the best mean rank over the four criteria",
                     "zh": "；票数相同，取四个指标平均排名最好者"},
    "how_rule": {"en": "rule '{rule}' ({name})", "zh": "规则 '{rule}'（{name}）"},
    "no_knee": {"en": "no knee (the inertia curve is not convex)", "zh": "无拐点（曲线不凸）"},
    "say_cluster": {
        "en": "Cluster {c} — {name}: {share:.1%} of customers, {rev:.1%} of revenue; {facts}.",
        "zh": "类别 {c}（{name}）：客户占 {share:.1%}，销售额占 {rev:.1%}；{facts}。",
    },
    "say_fact": {"en": "{feat} {v:,.1f} ({idx:.2f}× the overall mean)", "zh": "{feat} {v:,.1f}（为总体均值的 {idx:.2f} 倍）"},
    "say_stability": {
        "en": "Bootstrap stability ({b} resamples): mean ARI {best:.3f} at k = {kb} (highest), {rec:.3f} at k = {kr}.",
        "zh": "自助法稳定性（{b} 次重抽样）：k = {kb} 时平均 ARI 最高，为 {best:.3f}；k = {kr} 时为 {rec:.3f}。",
    },
    "say_stability_best": {
        "en": "Bootstrap stability ({b} resamples): k = {kb} is the most stable choice (mean ARI {best:.3f}).",
        "zh": "自助法稳定性（{b} 次重抽样）：k = {kb} 最稳定（平均 ARI {best:.3f}）。",
    },
    "say_crosstab": {
        "en": "Clusters and the {what}s agree with adjusted Rand index {ari:.3f}; {purity:.1%} of customers "
              "are in their cluster's most common {what}.",
        "zh": "聚类与{what}的调整兰德指数为 {ari:.3f}；{purity:.1%} 的客户属于其所在类别中最常见的{what}。",
    },
    "say_scaling": {
        "en": "Clustered on raw values, the {k} clusters capture {vhi:.0%} of the variation in {hi} but only "
              "{vlo:.0%} of {lo}. After log1p and standardising, they capture at least {vmin:.0%} of every feature.",
        "zh": "直接用原始数值聚类时，{k} 个类别解释了{hi}变异的 {vhi:.0%}，对{lo}却只解释了 {vlo:.0%}；"
              "经过 log1p 和标准化后，每个特征至少有 {vmin:.0%} 的变异被类别解释。",
    },
    "say_scaling_dominant": {
        "en": "In raw units {big} carries {vshare:.1%} of the total variance (standard deviation {sd}), so raw "
              "distances are mostly differences in {big}.",
        "zh": "按原始单位，{big}占全部方差的 {vshare:.1%}（标准差 {sd}），原始距离主要反映{big}的差异。",
    },
    "say_scaling_balanced": {
        "en": "No single feature dominates the raw distances: the largest share of the total variance is "
              "{vshare:.1%} ({big}).",
        "zh": "原始距离并不由单一特征主导：占全部方差最多的{big}也只占 {vshare:.1%}。",
    },
    "say_distinct": {
        "en": "The customers have only {n} distinct combinations of feature values, so the data support at most "
              "{n} clusters; k = {ks} were not scored.",
        "zh": "客户的特征取值只有 {n} 种不同组合，数据最多支持 {n} 个类别；k = {ks} 未参与评分。",
    },
    "tenure": {"en": "tenure (days)", "zh": "首购至今天数"},
    "max_purchase": {"en": "largest single order", "zh": "最大单笔消费"},
    "say_k_outside": {
        "en": "k={k} is outside the range tried, k_min..k_max = {lo}..{hi}. Choose k between {lo} and {hi}, "
              "widen k_min/k_max, or set k = 0 to use the recommended k ({rec}).",
        "zh": "k={k} 超出了评估范围 k_min..k_max = {lo}..{hi}。请在 {lo} 到 {hi} 之间选择 k，放宽 k_min/k_max，"
              "或设 k = 0 使用推荐的聚类数（{rec}）。",
    },
    "segments": {"en": "RFM segment", "zh": "RFM 分群"},
    "true_type": {"en": "true type", "zh": "真实类型"},
    "high": {"en": "high", "zh": "高"},
    "low": {"en": "low", "zh": "低"},
    "rule_r": {"en": "R high = the cluster's mean recency (days) is at or BELOW the overall mean (bought recently)",
               "zh": "R 高 = 类别平均最近消费间隔天数不高于总体均值（最近买过）"},
    "rule_f": {"en": "F high = the cluster's mean frequency is at or above the overall mean",
               "zh": "F 高 = 类别平均消费频率不低于总体均值"},
    "rule_m": {"en": "M high = the cluster's mean monetary value is at or above the overall mean",
               "zh": "M 高 = 类别平均消费金额不低于总体均值"},
    "name": {"en": "name", "zh": "名称"},
    "action": {"en": "suggested action", "zh": "建议策略"},
}

#: Table headers (en/zh) of the clustering report tables (notebook 07) beyond crmcore.labels.COLUMNS.
COLUMNS: dict[str, dict[str, str]] = {
    "count": {"en": "Customers", "zh": "客户数"}, "mean": {"en": "Mean", "zh": "均值"},
    "std": {"en": "Standard deviation", "zh": "标准差"}, "min": {"en": "Minimum", "zh": "最小值"},
    "25%": {"en": "25% quantile", "zh": "25% 分位数"}, "50%": {"en": "Median", "zh": "中位数"},
    "75%": {"en": "75% quantile", "zh": "75% 分位数"}, "max": {"en": "Maximum", "zh": "最大值"},
    "k": {"en": "k", "zh": "聚类数 k"}, "inertia": {"en": "Inertia", "zh": "簇内平方和"},
    "silhouette": {"en": "Silhouette", "zh": "轮廓系数"}, "calinski_harabasz": {"en": "Calinski–Harabasz", "zh": "CH 指数"},
    "davies_bouldin": {"en": "Davies–Bouldin", "zh": "DB 指数"},
    "smallest_share": {"en": "Smallest cluster share", "zh": "最小类别占比"},
    "knee": {"en": "Knee", "zh": "拐点"}, "recommended": {"en": "Recommended", "zh": "推荐"},
    "mean_ari": {"en": "Mean ARI", "zh": "平均 ARI"}, "sd_ari": {"en": "SD of ARI", "zh": "ARI 标准差"},
    "min_ari": {"en": "Lowest ARI", "zh": "最低 ARI"}, "model": {"en": "Model", "zh": "模型"},
    "clusters": {"en": "Clusters", "zh": "类别数"}, "sizes": {"en": "Cluster sizes", "zh": "各类客户数"},
    "noise_share": {"en": "Noise share", "zh": "噪声占比"}, "ari_vs_first": {"en": "ARI vs k-means", "zh": "与 K 均值的 ARI"},
    "runtime_s": {"en": "Runtime (s)", "zh": "运行时间（秒）"}, "cluster": {"en": "Cluster", "zh": "类别"},
    "size": {"en": "Customers", "zh": "客户数"}, "code": {"en": "R/F/M vs mean", "zh": "R/F/M 与均值比较"},
    "name": {"en": "Name", "zh": "名称"}, "feature": {"en": "Feature", "zh": "特征"},
    "log1p": {"en": "log1p applied", "zh": "是否取 log1p"}, "center": {"en": "Centre", "zh": "中心"},
    "scale": {"en": "Scale", "zh": "尺度"}, "tenure": {"en": "Tenure (days)", "zh": "首购至今天数"},
    "max_purchase": {"en": "Largest single order", "zh": "最大单笔消费"},
    "true_type": {"en": "True type", "zh": "真实类型"}, "preparation": {"en": "Preparation", "zh": "预处理方式"},
    "raw_mean": {"en": "Raw mean", "zh": "原始均值"}, "raw_sd": {"en": "Raw standard deviation", "zh": "原始标准差"},
    "raw_skew": {"en": "Raw skewness", "zh": "原始偏度"},
    # the demo data's latent customer types (the generator's answer key)
    "at_risk": {"en": "At risk", "zh": "流失风险客户"}, "bargain": {"en": "Bargain hunters", "zh": "价格敏感客户"},
    "champion": {"en": "Champions", "zh": "明星客户"}, "lost": {"en": "Lost", "zh": "已流失客户"},
    "loyal": {"en": "Loyal", "zh": "忠诚客户"}, "new": {"en": "New", "zh": "新客户"},
    "occasional": {"en": "Occasional", "zh": "偶尔购买客户"},
}
for _f in ("recency", "frequency", "monetary", "tenure", "max_purchase"):
    _n = LABELS.get(_f) or COMMON[_f]
    COLUMNS[f"{_f}_mean"] = {"en": f"{_n['en']}: mean", "zh": f"{_n['zh']}：均值"}
    COLUMNS[f"{_f}_median"] = {"en": f"{_n['en']}: median", "zh": f"{_n['zh']}：中位数"}
    COLUMNS[f"{_f}_mean_index"] = {"en": f"{_n['en']}: mean ÷ overall mean", "zh": f"{_n['zh']}：均值 ÷ 总体均值"}
del _f, _n

# the 8-class names, rule and actions are the RFM module's (one source for both methods)
NAMES: dict[str, dict[str, str]] = {r["segment"]: {"en": r["en"], "zh": r["zh"]} for r in _rfm.CN8}
RULE: dict[tuple[bool, bool, bool], str] = {
    (r["R"] == "high", r["F"] == "high", r["M"] == "high"): r["segment"] for r in _rfm.CN8}
ACTIONS: dict[str, dict[str, str]] = {r["segment"]: {"en": r["action_en"], "zh": r["action_zh"]} for r in _rfm.CN8}


def _t(key: str, lang: str) -> str:
    return text(key, lang, LABELS)


#: the scaling step in words (Features.interpret)
_SCALING_WORDS = {
    "standard": {"en": "every feature is standardised (mean 0, standard deviation 1)",
                 "zh": "每个特征标准化为均值 0、标准差 1"},
    "robust": {"en": "every feature is scaled robustly (median 0, interquartile range 1)",
               "zh": "每个特征按中位数和四分位距做稳健缩放"},
    "minmax": {"en": "every feature is scaled to the range 0–1", "zh": "每个特征缩放到 0–1 区间"},
    "none": {"en": "the features are used without scaling", "zh": "特征不做缩放直接使用"},
}


# ====================================================================== feature preparation
@dataclass(frozen=True, eq=False, repr=False)
class Features(Result):
    """Clustering features: the transformed matrix, the raw values and the recorded transform.

    ``data`` (transformed) and ``raw`` (original units) are indexed by customer id, sorted.
    Transform of column j: ``z = (g(x) - center_j) / scale_j`` with ``g = log1p`` for the columns
    in ``log_columns`` and the identity otherwise.
    """

    data: pd.DataFrame
    raw: pd.DataFrame
    log_columns: tuple[str, ...]
    scaling: str
    center: pd.Series
    scale: pd.Series
    notes: tuple[str, ...] = ()
    title: str = "Clustering features (聚类特征)"
    _conventions = ("scaling", "log_columns")

    @property
    def columns(self) -> list[str]:
        return list(self.data.columns)

    def interpret(self, lang: str = "en") -> list[str]:
        """How many customers, which features, and the transform applied to them."""
        check_lang(lang)
        sep = "、" if lang == "zh" else ", "
        names = sep.join(text(c, lang) for c in self.columns)
        logs = sep.join(text(c, lang) for c in self.log_columns)
        scaling = _SCALING_WORDS[self.scaling][lang]
        if lang == "zh":
            return [f"{self.n:,} 位客户用 {len(self.columns)} 个特征描述（{names}）；"
                    + (f"{logs}先取对数（log1p），" if logs else "") + f"然后{scaling}。"]
        return [f"{self.n:,} customers are described by {len(self.columns)} features ({names}); "
                + (f"{logs} are log-transformed (log1p) first, then " if logs else "") + f"{scaling}."]

    @property
    def n(self) -> int:
        return len(self.data)

    def to_frame(self) -> pd.DataFrame:
        """The transform, one row per feature: log1p?, center, scale, raw mean/sd/skewness."""
        return pd.DataFrame({
            "feature": self.columns,
            "log1p": [c in self.log_columns for c in self.columns],
            "center": self.center.to_numpy(),
            "scale": self.scale.to_numpy(),
            "raw_mean": self.raw.mean().to_numpy(),
            "raw_sd": self.raw.std(ddof=0).to_numpy(),
            "raw_skew": self.raw.skew().to_numpy(),
        })

    def transform(self, table: Any, *, id_col: str = "customer_id") -> pd.DataFrame:
        """Apply the recorded transform to another per-customer table with the same columns."""
        raw = _numeric_table(table, self.columns, id_col=id_col, what="transform")
        g = raw.astype(float).copy()
        for c in self.log_columns:
            g[c] = np.log1p(g[c])
        return (g - self.center) / self.scale


def _id_index(table: pd.DataFrame, id_col: str) -> pd.DataFrame:
    if id_col in table.columns:
        df = table.set_index(id_col)
    else:
        df = table
        if df.index.name is None:
            df = df.rename_axis(id_col)
    dup = df.index.duplicated(keep=False)
    if dup.any():
        ex = [(i, v) for i, v in enumerate(df.index) if dup[i]][:3]
        raise data_error("are duplicated: clustering needs one row per customer", column=df.index.name,
                         n_bad=int(dup.sum()), n_total=len(df), examples=ex,
                         fix="Aggregate to one row per customer first (e.g. rfm_table or engine.customer_summary)")
    return df


def _numeric_table(table: Any, columns: Sequence[str] | None, *, id_col: str, what: str) -> pd.DataFrame:
    """Validate at the door: a DataFrame (or array) → numeric columns, indexed by customer id."""
    if isinstance(table, np.ndarray):
        if table.ndim != 2:
            raise DataError(f"{what}: an array must be 2-D (customers × features); got shape {table.shape}.")
        table = pd.DataFrame(table, columns=[f"x{j}" for j in range(table.shape[1])])
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"{what}: expected a per-customer DataFrame (or 2-D array), got {type(table).__name__}.")
    df = _id_index(table, id_col)
    if columns is None:
        columns = [c for c in df.columns
                   if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
        if not columns:
            raise DataError(f"{what}: the table has no numeric columns. Columns found: {', '.join(map(str, df.columns))}.")
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise data_error(f"{what}: column(s) {', '.join(map(repr, missing))} not found",
                             columns=df.columns, fix="Pass columns= with names from the table")
        for c in columns:
            if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
                bad = df[c].head(3)
                raise data_error("is not numeric", column=c, examples=list(zip(map(repr, bad.index), bad.to_numpy())),
                                 fix="Cluster on numeric columns only; encode categories first or leave them out")
    if len(df) == 0:
        raise DataError(f"{what}: the table has no rows.")
    out = df[list(columns)].astype(float)
    for c in out.columns:
        v = out[c].to_numpy()
        bad = ~np.isfinite(v)
        if bad.any():
            idx = np.flatnonzero(bad)[:3]
            raise data_error("are missing (NaN) or infinite", column=c, n_bad=int(bad.sum()), n_total=len(v),
                             examples=[(repr(out.index[i]), v[i]) for i in idx],
                             fix="Fill or drop these customers first (e.g. table.dropna(subset=[...])), "
                                 "or leave the column out with columns=[...]")
    return out


def _auto_log(raw: pd.DataFrame) -> list[str]:
    """Columns that are never negative and right-skewed (skewness > 1): money and counts."""
    skew = raw.skew()
    return [c for c in raw.columns if raw[c].min() >= 0 and skew[c] > 1.0]


def prepare_features(
    table: Any,
    *,
    columns: Sequence[str] | None = None,
    id_col: str = "customer_id",
    log: str | Sequence[str] | None = "auto",
    scaling: str = "standard",
) -> Features:
    """Turn a per-customer numeric table into clustering features.

    Parameters
    ----------
    table : DataFrame (or 2-D array)
        One row per customer; the id is column ``id_col`` if present, else the index.
    columns : default all numeric (non-boolean) columns except the id.
    log : "auto" (default) applies ``log1p`` to columns that are never negative and have skewness
        > 1 — money and counts; a list names the columns; None applies none.
    scaling : "standard" (z = (x − mean)/sd), "robust" ((x − median)/IQR), "minmax"
        ((x − min)/(max − min)) or "none".

    Raises DataError naming the column for NaN/inf values, constant columns, non-numeric columns
    and duplicated customer ids.
    """
    if scaling not in SCALINGS:
        raise ParameterError(f"scaling={scaling!r} is not supported; use one of {', '.join(map(repr, SCALINGS))}.")
    raw = _numeric_table(table, columns, id_col=id_col, what="prepare_features").sort_index(kind="stable")
    const = [c for c in raw.columns if raw[c].nunique() <= 1]
    if const:
        c = const[0]
        raise data_error(f"is constant ({raw[c].iloc[0]!r} for all {len(raw):,} customers) and cannot separate clusters",
                         column=c, fix=f"Leave it out with columns=[...] (constant: {', '.join(map(repr, const))})")
    if log == "auto":
        log_cols = _auto_log(raw)
    elif log is None:
        log_cols = []
    else:
        log_cols = [log] if isinstance(log, str) else list(log)
        unknown = [c for c in log_cols if c not in raw.columns]
        if unknown:
            raise ParameterError(f"log= names column(s) {', '.join(map(repr, unknown))} that are not features; "
                                 f"features: {', '.join(raw.columns)}.")
    g = raw.copy()
    for c in log_cols:
        neg = g[c] < 0
        if neg.any():
            raise data_error("are negative, so log1p is undefined", column=c, n_bad=int(neg.sum()), n_total=len(g),
                             examples=list(zip(map(repr, g.index[neg][:3]), g[c][neg][:3])), cls=DomainError,
                             fix="Net returns out first, or drop the column from log=")
        g[c] = np.log1p(g[c])
    notes: list[str] = []
    if scaling == "standard":
        center, scale = g.mean(), g.std(ddof=0)
    elif scaling == "robust":
        center = g.median()
        scale = g.quantile(0.75) - g.quantile(0.25)
        zero = scale[scale <= 0].index.tolist()
        if zero:
            # an IQR of 0 (most customers share one value) would divide by zero: fall back to the sd
            scale[zero] = g[zero].std(ddof=0)
            notes.append(f"IQR is 0 for {', '.join(zero)}; scaled by the standard deviation instead")
    elif scaling == "minmax":
        center, scale = g.min(), g.max() - g.min()
    else:
        center = pd.Series(0.0, index=g.columns)
        scale = pd.Series(1.0, index=g.columns)
    data = (g - center) / scale
    return Features(data=data, raw=raw, log_columns=tuple(log_cols), scaling=scaling,
                    center=center, scale=scale, notes=tuple(notes))


def _as_features(X: Any) -> Features:
    """A Features as is; a DataFrame or array is prepared with :func:`prepare_features` defaults."""
    if isinstance(X, Features):
        return X
    if isinstance(X, Clustering):
        return X.features
    return prepare_features(X)


def _find(columns: Iterable[str], names: Sequence[str]) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None


# ====================================================================== fitting one model
def _check_k(k: Any, n: int, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ParameterError(f"{what}={k!r} must be a whole number ≥ 2.")
    if k < 2:
        raise ParameterError(f"{what}={k} must be at least 2 (one cluster is no segmentation).")
    if k >= n:
        raise ParameterError(f"{what}={k} is not below the number of customers ({n:,}): "
                             f"use k ≤ {max(n - 1, 1)} (silhouette needs at least one cluster with two members), "
                             "or add customers.")
    return int(k)


def _check_model(model: str) -> str:
    if model not in MODELS:
        raise ParameterError(f"model={model!r} is not supported; use one of {', '.join(map(repr, MODELS))}.")
    return model


def _resolve_model(model: str, n: int) -> str:
    if model == "auto":
        return "minibatch" if n > LARGE_N else "kmeans"
    return _check_model(model)


def _estimator(model: str, k: int, *, seed: int, n_init: int | None, batch_size: int,
               eps: float | None, min_samples: int):
    from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans
    from sklearn.mixture import GaussianMixture

    ni = n_init if n_init is not None else N_INIT.get(model)
    if model == "kmeans":
        return KMeans(n_clusters=k, n_init=ni, random_state=seed)
    if model == "minibatch":
        return MiniBatchKMeans(n_clusters=k, n_init=ni, random_state=seed, batch_size=batch_size)
    if model == "gmm":
        return GaussianMixture(n_components=k, n_init=ni, random_state=seed, covariance_type="full")
    if model == "ward":
        return AgglomerativeClustering(n_clusters=k, linkage="ward")
    return DBSCAN(eps=eps, min_samples=min_samples)


def _dbscan_eps(Z: np.ndarray, min_samples: int, seed: int) -> float:
    """Default DBSCAN radius: the 90th percentile of the distance to the min_samples-th neighbour
    (on a seeded sample of at most 5,000 customers) — the 'k-distance' heuristic of Ester et al. 1996."""
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(seed)
    S = Z[rng.choice(len(Z), size=min(len(Z), 5000), replace=False)]
    d, _ = NearestNeighbors(n_neighbors=min(min_samples, len(S) - 1) + 1).fit(S).kneighbors(S)
    return float(np.quantile(d[:, -1], 0.90))


def _canonical(raw_labels: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Relabel so cluster 0 has the highest mean ``key`` (ties: larger first, then first seen)."""
    ids = [u for u in pd.unique(raw_labels) if u >= 0]
    stats = []
    for u in ids:
        m = raw_labels == u
        stats.append((-float(key[m].mean()), -int(m.sum()), int(np.argmax(m)), int(u)))
    mapping = {u: new for new, (*_, u) in enumerate(sorted(stats))}
    mapping[-1] = -1
    return _relabel(raw_labels, mapping), mapping


def _relabel(raw_labels: np.ndarray, mapping: Mapping[int, int]) -> np.ndarray:
    lut = np.full(max(mapping) + 2, -1, dtype=int)  # slot 0 holds noise (−1)
    for old, new in mapping.items():
        lut[old + 1] = new
    return lut[np.asarray(raw_labels, dtype=int) + 1]


@dataclass(frozen=True, eq=False, repr=False)
class Clustering(Result):
    """One fitted clustering: labels per customer (canonical: 0 = highest mean ``order_by``)."""

    labels: pd.Series
    features: Features
    model: str
    k: int
    seed: int
    order_by: str
    centers: pd.DataFrame   # the centres the model assigns by (module docstring), canonical labels
    inertia: float          # Σ squared distance to those centres (= scikit-learn's inertia_ for k-means)
    runtime: float          # wall-clock seconds: varies between runs, never shown in a report
    mapping: Mapping[int, int]
    estimator: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    title: str = "Customer clustering (客户聚类)"
    _conventions = ("model", "k", "seed", "order_by", "params")

    @property
    def n_clusters(self) -> int:
        return int((self.labels.unique() >= 0).sum())

    def sizes(self) -> pd.Series:
        return self.labels.value_counts().sort_index().rename("customers")

    def interpret(self, lang: str = "en") -> list[str]:
        """How many clusters, and the largest and smallest by share of customers."""
        check_lang(lang)
        s = self.sizes()
        share = s / s.sum()
        big, small = int(share.idxmax()), int(share.idxmin())
        if lang == "zh":
            return [f"{len(s)} 个簇覆盖 {int(s.sum()):,} 位客户：最大的是簇 {big}（{share[big]:.1%}），"
                    f"最小的是簇 {small}（{share[small]:.1%}）。"]
        return [f"{len(s)} clusters cover {int(s.sum()):,} customers: the largest is cluster {big} ({share[big]:.1%}), "
                f"the smallest cluster {small} ({share[small]:.1%})."]

    def to_frame(self) -> pd.DataFrame:
        """The customer-to-cluster table with the raw feature values."""
        return self.features.raw.assign(cluster=self.labels).reset_index()[
            [self.labels.index.name or "customer_id", "cluster", *self.features.columns]]

    def predict(self, table: Any, *, id_col: str = "customer_id") -> pd.Series:
        """Clusters of new customers (k-means, mini-batch, Gaussian mixture only), same canonical labels."""
        if self.model not in ("kmeans", "minibatch", "gmm"):
            raise ParameterError(f"a {self.model} clustering cannot assign new customers; refit with model='kmeans'.")
        Z = self.features.transform(table, id_col=id_col)
        with _threads(1):
            raw = self.estimator.predict(Z.to_numpy())
        return pd.Series(_relabel(raw, self.mapping), index=Z.index, name="cluster")

    def plot(self, ax=None, lang: str = "en", kind: str = "pca", names: Mapping[int, str] | None = None):
        """``kind`` = "pca" (2-D PCA scatter), "silhouette" or "snake"."""
        fn = {"pca": plot_pca, "silhouette": plot_silhouette, "snake": plot_snake}.get(kind)
        if fn is None:
            raise ParameterError(f"kind={kind!r}: use 'pca', 'silhouette' or 'snake'.")
        return fn(self, ax=ax, lang=lang, names=names)


def _threads(n: int):
    """Cap OpenMP/BLAS threads: k-means on a shared machine slows down by 50× when its threads spin
    against other processes (measured: 80 s vs 1.3 s for k = 2..10 on 2,000 customers)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n)


def _fit_matrix(Z: np.ndarray, k: int, model: str, *, seed: int, n_init: int | None, batch_size: int,
                eps: float | None, min_samples: int, threads: int = 1):
    est = _estimator(model, k, seed=seed, n_init=n_init, batch_size=batch_size, eps=eps, min_samples=min_samples)
    t0 = time.perf_counter()
    with _threads(threads):
        if model == "gmm":
            est.fit(Z)
            lab = est.predict(Z)
        else:
            lab = est.fit_predict(Z)
    return est, np.asarray(lab, dtype=int), time.perf_counter() - t0


def _centres_inertia(est: Any, model: str, Z: np.ndarray, raw: np.ndarray) -> tuple[dict[int, np.ndarray], float]:
    """Centre of each raw label and the inertia around those centres (see the module docstring)."""
    ids = sorted(int(u) for u in np.unique(raw) if u >= 0)
    if model in ("kmeans", "minibatch"):
        cen = {u: np.asarray(est.cluster_centers_[u], dtype=float) for u in ids}
    elif model == "gmm":
        cen = {u: np.asarray(est.means_[u], dtype=float) for u in ids}
    else:
        cen = {u: Z[raw == u].mean(axis=0) for u in ids}
    inertia = float(sum(((Z[raw == u] - cen[u]) ** 2).sum() for u in ids))
    return cen, inertia


def fit(
    X: Any,
    k: int = 4,
    *,
    model: str = "auto",
    seed: int = 0,
    order_by: str | None = None,
    n_init: int | None = None,
    batch_size: int = 4096,
    eps: float | None = None,
    min_samples: int = 10,
    threads: int = 1,
) -> Clustering:
    """Cluster customers with one model and relabel canonically.

    Parameters
    ----------
    X : Features from :func:`prepare_features` (a DataFrame is prepared with its defaults).
    k : number of clusters (ignored by DBSCAN, which finds its own).
    model : "auto" (default: k-means, or mini-batch k-means above 50,000 customers), "kmeans",
        "minibatch", "gmm", "ward" or "dbscan".
    seed : random_state of the model; fixed restarts ``n_init`` (k-means 10, mini-batch 3, GMM 3).
    order_by : raw column whose cluster mean orders the labels (cluster 0 = highest); default the
        monetary column (monetary / revenue / amount / sales), else the first feature.
    eps, min_samples : DBSCAN radius (default: 90th percentile of the min_samples-th-neighbour
        distance) and core size.
    threads : OpenMP/BLAS threads (default 1: fastest on a shared machine; raise it on an idle one).
    """
    F = _as_features(X)
    model = _resolve_model(model, F.n)
    if model != "dbscan":
        k = _check_k(k, F.n)
    if model == "ward" and F.n > WARD_MAX:
        raise ParameterError(f"Ward clustering of {F.n:,} customers needs O(n²) memory; it is limited to "
                             f"{WARD_MAX:,}. Use model='kmeans' or 'minibatch', or cluster a sample.")
    if order_by is None:
        order_by = _find(F.raw.columns, MONETARY_NAMES) or F.columns[0]
    elif order_by not in F.raw.columns:
        raise ParameterError(f"order_by={order_by!r} is not a feature; features: {', '.join(F.columns)}.")
    Z = F.data.to_numpy()  # rows are sorted by customer id, so row order of the input does not matter
    params: dict[str, Any] = {}
    if model == "dbscan":
        if eps is None:
            with _threads(threads):
                eps = _dbscan_eps(Z, min_samples, seed)
        params = {"eps": round(float(eps), 6), "min_samples": min_samples}
    elif model in N_INIT:
        params = {"n_init": n_init if n_init is not None else N_INIT[model]}
        if model == "minibatch":
            params["batch_size"] = batch_size
    est, lab, runtime = _fit_matrix(Z, k, model, seed=seed, n_init=n_init, batch_size=batch_size,
                                    eps=eps, min_samples=min_samples, threads=threads)
    labels, mapping = _canonical(lab, F.raw[order_by].to_numpy())
    s = pd.Series(labels, index=F.data.index, name="cluster")
    cen, inertia = _centres_inertia(est, model, Z, lab)
    centers = pd.DataFrame([cen[u] for u in sorted(cen, key=lambda u: mapping[u])],
                           index=pd.Index(sorted(mapping[u] for u in cen), name="cluster"), columns=F.data.columns)
    return Clustering(labels=s, features=F, model=model, k=len(centers), seed=seed, order_by=order_by,
                      centers=centers, inertia=inertia, runtime=runtime, mapping=mapping, estimator=est,
                      params=params)


# ====================================================================== quality scores
def scores(Z: np.ndarray, labels: np.ndarray, *, sample_size: int = 10_000, seed: int = 0) -> dict[str, float]:
    """Silhouette (on a seeded sample of ``sample_size`` when n is larger), Calinski–Harabasz and
    Davies–Bouldin; noise points (label −1) are left out; NaN when fewer than two clusters remain."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    m = labels >= 0
    Z, labels = Z[m], labels[m]
    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(labels):
        return {"silhouette": np.nan, "calinski_harabasz": np.nan, "davies_bouldin": np.nan}
    if len(Z) > sample_size:
        idx = np.sort(np.random.default_rng(seed).choice(len(Z), size=sample_size, replace=False))
        sil = silhouette(Z[idx], labels[idx])
    else:
        sil = silhouette(Z, labels)
    return {"silhouette": float(sil), "calinski_harabasz": float(calinski_harabasz_score(Z, labels)),
            "davies_bouldin": float(davies_bouldin_score(Z, labels))}


def silhouette(Z: np.ndarray, labels: np.ndarray, *, chunk: int = 1024) -> float:
    """Mean silhouette s_i = (b_i − a_i) / max(a_i, b_i) (Rousseeuw 1987), Euclidean distances.

    a_i = mean distance to the other members of i's cluster, b_i = smallest mean distance to another
    cluster; s_i = 0 for a singleton. Same value as ``sklearn.metrics.silhouette_score`` but with the
    per-cluster sums done as one matrix product per chunk of rows (several times faster on a
    10,000-customer sample).
    """
    Z = np.asarray(Z, dtype=float)
    _, lab = np.unique(labels, return_inverse=True)
    n, k = len(Z), lab.max() + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), lab] = 1.0
    counts = onehot.sum(axis=0)
    sq = np.einsum("ij,ij->i", Z, Z)
    s = np.empty(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        rows = np.arange(stop - start)
        D = sq[start:stop, None] + sq[None, :] - 2.0 * (Z[start:stop] @ Z.T)
        np.maximum(D, 0.0, out=D)
        np.sqrt(D, out=D)
        D[rows, np.arange(start, stop)] = 0.0  # exact zero self-distance
        S = D @ onehot
        own = lab[start:stop]
        n_own = counts[own]
        a = S[rows, own] / np.maximum(n_own - 1, 1)
        S[rows, own] = np.inf
        b = (S / counts).min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            si = (b - a) / np.maximum(a, b)
        s[start:stop] = np.where(n_own > 1, np.nan_to_num(si), 0.0)
    return float(s.mean())


def _scores_limited(Z, lab, sample_size, seed, threads):
    with _threads(threads):
        return scores(Z, lab, sample_size=sample_size, seed=seed)


def _chord_distance(x: Sequence[float], y: Sequence[float]) -> np.ndarray:
    """(1 − x_n) − y_n on axes scaled to [0, 1]: how far each point lies below the chord."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.zeros(len(x))
    return (1 - (x - x.min()) / np.ptp(x)) - (y - y.min()) / np.ptp(y)


def knee(x: Sequence[float], y: Sequence[float]) -> int | None:
    """Knee of a decreasing convex curve: the point farthest below the chord (Kneedle).

    Both axes are scaled to [0, 1]; the chord joins the first and last points, ``y_n = 1 − x_n``;
    the knee maximises ``(1 − x_n) − y_n`` (Satopää et al. 2011). Returns the knee's x, or None when
    no point lies below the chord (a straight or concave curve) or there are fewer than 3 points.
    """
    x = np.asarray(x, float)
    if len(x) < 3:
        return None
    d = _chord_distance(x, y)
    i = int(np.argmax(d))
    if d[i] <= 1e-12:
        return None
    return int(x[i]) if float(x[i]).is_integer() else x[i]


# ====================================================================== choosing k
#: readable headers of the results' to_frame(lang) not in COLUMNS (the result protocol of crmcore.results)
_RESULT_COLUMNS: dict[str, dict[str, str]] = {
    "supported": {"en": "Supported by the data", "zh": "数据是否支持"},
    "recency_median_index": {"en": "Recency: median ÷ overall mean", "zh": "最近一次消费：中位数 ÷ 总体均值"},
    "frequency_median_index": {"en": "Frequency: median ÷ overall mean", "zh": "消费频率：中位数 ÷ 总体均值"},
    "monetary_median_index": {"en": "Monetary: median ÷ overall mean", "zh": "消费金额：中位数 ÷ 总体均值"},
    "name_en": {"en": "Name (English)", "zh": "英文名称"},
    "name_zh": {"en": "Name (Chinese)", "zh": "中文名称"},
    **_rfm.SEGMENT_NAMES,
}


@dataclass(frozen=True, eq=False, repr=False)
class KChoice(Result):
    """Scores per k, the knee, each criterion's choice and the recommended k with the reason."""

    table: pd.DataFrame
    knee: int | None
    choices: Mapping[str, int | None]
    recommended: int
    rule: str
    model: str
    seed: int
    sample_size: int
    sampled: bool
    features: Features
    n_distinct: int | None = None   # distinct feature vectors when fewer than the largest k tried
    title: str = "Choosing k (选择聚类数)"
    _conventions = ("model", "rule", "seed", "sample_size", "sampled")
    _columns = _RESULT_COLUMNS

    def resolve(self, k: int = 0) -> int:
        """The k to use: the recommended k when ``k == 0``, else ``k`` if it lies in the range tried
        (and the data support it); anything else is refused with the range in the message."""
        ks = [int(x) for x in self.table.loc[self.table["supported"], "k"]]
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise ParameterError(f"k={k!r} must be a whole number (0 = the recommended k).")
        if k == 0:
            return self.recommended
        lo, hi = int(self.table["k"].min()), int(self.table["k"].max())
        if k not in ks:
            msg = _t("say_k_outside", "en").format(k=k, lo=lo, hi=hi, rec=self.recommended)
            if lo <= k <= hi:
                msg = (f"k={k}: " + _t("say_distinct", "en").format(n=self.n_distinct, ks=k)
                       + f" Use k ≤ {self.n_distinct} or k = 0.")
            raise ParameterError(msg)
        return int(k)

    def interpret(self, lang: str = "en") -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return split_sentences(self._reason_text(lang))

    @deprecated("interpret")
    def reason(self, lang: str = "en") -> str:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._reason_text(lang)

    def _reason_text(self, lang: str = "en") -> str:
        """Why this k, generated from the numbers."""
        check_lang(lang)
        crit = {"knee": "crit_knee", "silhouette": "crit_silhouette", "calinski_harabasz": "crit_ch",
                "davies_bouldin": "crit_db"}
        per = []
        for c, key in crit.items():
            v = self.choices.get(c)
            per.append(f"{_t(key, lang)} → {v if v is not None else _t('no_knee', lang)}")
        sep = "；" if lang == "zh" else "; "
        if self.rule == "vote":
            names = [_t(crit[c], lang) for c, v in self.choices.items() if v == self.recommended]
            m = sum(v is not None for v in self.choices.values())
            how = _t("how_vote", lang).format(n=len(names), m=m, names=("、" if lang == "zh" else ", ").join(names))
            counts = pd.Series([v for v in self.choices.values() if v is not None]).value_counts()
            if (counts == counts.max()).sum() > 1:
                how += _t("how_vote_tie", lang)
        else:
            key = {"silhouette": "crit_silhouette", "knee": "crit_knee", "calinski_harabasz": "crit_ch",
                   "davies_bouldin": "crit_db"}[self.rule]
            how = _t("how_rule", lang).format(rule=self.rule, name=_t(key, lang))
        out = _t("say_choice", lang).format(k=self.recommended, how=how, per=sep.join(per))
        if self.n_distinct is not None:
            skipped = [int(x) for x in self.table.loc[~self.table["supported"], "k"]]
            ks = f"{skipped[0]}–{skipped[-1]}" if len(skipped) > 1 else str(skipped[0])
            out += ("" if lang == "zh" else " ") + _t("say_distinct", lang).format(n=self.n_distinct, ks=ks)
        return out

    def plot(self, ax=None, lang: str = "en", *, axes=None):
        """The 2×2 panel of the four criteria; ``ax`` (or its older name ``axes``) = four Axes to draw on."""
        return plot_choose_k(self, axes=ax if ax is not None else axes, lang=lang)


RULES = ("vote", "silhouette", "knee", "calinski_harabasz", "davies_bouldin")


def _check_k_range(k_range: Any, n: int) -> list[int]:
    try:
        ks = sorted({int(k) for k in k_range})
    except (TypeError, ValueError) as e:
        raise ParameterError(f"k_range={k_range!r} must be whole numbers such as range(2, 11).") from e
    if not ks:
        raise ParameterError("k_range is empty; pass e.g. range(2, 11).")
    for k in (ks[0], ks[-1]):  # the smallest and the largest name the problem best
        _check_k(k, n, what="k in k_range")
    return ks


def recommend_k(table: pd.DataFrame, *, rule: str = "vote") -> tuple[int, int | None, dict[str, int | None]]:
    """The recommended k from a scores table (columns k, inertia, silhouette, calinski_harabasz,
    davies_bouldin): ``(recommended, knee, each criterion's choice)``. See :func:`choose_k` for the rule.
    """
    if rule not in RULES:
        raise ParameterError(f"rule={rule!r} is not supported; use one of {', '.join(map(repr, RULES))}.")
    t = table.set_index("k").sort_index()
    if "supported" in t.columns:
        t = t[t["supported"]]
    kn = knee(t.index, t["inertia"])
    choices: dict[str, int | None] = {
        "knee": kn,
        "silhouette": int(t["silhouette"].idxmax()),
        "calinski_harabasz": int(t["calinski_harabasz"].idxmax()),
        "davies_bouldin": int(t["davies_bouldin"].idxmin()),
    }
    if rule == "vote":
        votes = pd.Series([v for v in choices.values() if v is not None]).value_counts()
        tied = list(votes[votes == votes.max()].index)
        # a tie: the best mean rank over the four criteria (silhouette alone tends to favour k = 2)
        ranks = pd.DataFrame({
            "knee": pd.Series(_chord_distance(t.index, t["inertia"]), index=t.index).rank(ascending=False),
            "silhouette": t["silhouette"].rank(ascending=False),
            "calinski_harabasz": t["calinski_harabasz"].rank(ascending=False),
            "davies_bouldin": t["davies_bouldin"].rank(ascending=True),
        }).mean(axis=1)
        rec = int(min(tied, key=lambda k: (ranks[k], k)))
    elif rule == "knee" and kn is None:
        raise DomainError("the inertia curve has no knee over this k_range; widen k_range or use rule='vote'.")
    else:
        rec = int(choices[rule])
    return rec, kn, choices


def choose_k(
    X: Any,
    k_range: Iterable[int] = range(2, 11),
    *,
    model: str = "auto",
    seed: int = 0,
    sample_size: int = 10_000,
    rule: str = "vote",
    n_init: int | None = None,
    batch_size: int = 4096,
    threads: int = 1,
) -> KChoice:
    """Fit each k and score it: inertia (with the knee), silhouette, Calinski–Harabasz, Davies–Bouldin.

    ``rule="vote"`` (default) recommends the k chosen by most of the four criteria — knee of the
    inertia curve, highest silhouette, highest CH, lowest DB — a tie broken by the best mean rank
    of the tied k over the four criteria (distance below the chord for the inertia; the smaller k
    if still tied); ``rule`` may also name one criterion. Silhouette is computed on a seeded sample of
    ``sample_size`` customers when there are more (its cost is quadratic in n). ``model="auto"``
    uses k-means, or mini-batch k-means above 50,000 customers; only k-means-type models and GMM
    are allowed here.
    """
    F = _as_features(X)
    if rule not in RULES:
        raise ParameterError(f"rule={rule!r} is not supported; use one of {', '.join(map(repr, RULES))}.")
    model = _resolve_model(model, F.n)
    if model not in ("kmeans", "minibatch", "gmm"):
        raise ParameterError(f"choose_k fits k-means, mini-batch k-means or gmm; got model={model!r}.")
    ks = _check_k_range(k_range, F.n)
    Z = F.data.to_numpy()
    n_distinct = _n_distinct(Z, ks)
    rows = []
    for k in ks:
        if k > n_distinct:  # more clusters than distinct customers: k-means would return empty/duplicate centres
            rows.append({"k": k, "inertia": np.nan, "silhouette": np.nan, "calinski_harabasz": np.nan,
                         "davies_bouldin": np.nan, "smallest_share": np.nan, "runtime_s": np.nan,
                         "supported": False})
            continue
        est, lab, rt = _fit_matrix(Z, k, model, seed=seed, n_init=n_init, batch_size=batch_size,
                                   eps=None, min_samples=0, threads=threads)
        inertia = _centres_inertia(est, model, Z, lab)[1]
        with _threads(threads):
            sc = scores(Z, lab, sample_size=sample_size, seed=seed)
        rows.append({"k": k, "inertia": inertia, **sc,
                     "smallest_share": float(np.bincount(lab).min() / len(lab)), "runtime_s": rt,
                     "supported": True})
    table = pd.DataFrame(rows)
    rec, kn, choices = recommend_k(table, rule=rule)
    table["knee"] = table["k"] == kn
    table["recommended"] = table["k"] == rec
    return KChoice(table=table, knee=kn, choices=choices, recommended=rec, rule=rule, model=model, seed=seed,
                   sample_size=sample_size, sampled=F.n > sample_size, features=F,
                   n_distinct=n_distinct if n_distinct < ks[-1] else None)


def rfm_notes(table: pd.DataFrame, lang: str = "en") -> list[str]:
    """What a report must say about an ``rfm_table``: customers left out because they have only return
    lines before asof (``table.attrs['crmcore']['rfm']['customers_only_returns']``). Empty when none."""
    check_lang(lang)
    n = int(table.attrs.get("crmcore", {}).get("rfm", {}).get("customers_only_returns", 0) or 0)
    if not n:
        return []
    if lang == "zh":
        return [f"有 {n:,} 个客户在分析时点之前只有退货记录，未计入客户表。"]
    return [f"{n:,} customer{'s have' if n > 1 else ' has'} only return lines before asof and {'are' if n > 1 else 'is'} "
            "left out of the customer table."]


def check_k_param(k: int, k_min: int, k_max: int) -> int:
    """Check a notebook's ``k`` against its ``k_min..k_max`` before anything is fitted (0 = recommended k).

    ``crm report 07 -p k 500`` used to fail with ``KeyError: 500`` deep inside; this names the range.
    """
    for name, v in (("k", k), ("k_min", k_min), ("k_max", k_max)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ParameterError(f"{name}={v!r} must be a whole number.")
    if not 2 <= k_min <= k_max:
        raise ParameterError(f"k_min..k_max = {k_min}..{k_max}: give 2 ≤ k_min ≤ k_max, e.g. 2..8.")
    if k != 0 and not k_min <= k <= k_max:
        raise ParameterError(_t("say_k_outside", "en").format(k=k, lo=k_min, hi=k_max, rec="chosen by choose_k"))
    return int(k)


def _n_distinct(Z: np.ndarray, ks: Sequence[int]) -> int:
    """Number of distinct feature vectors; refuses data that support none of the k tried."""
    n = len(np.unique(np.round(Z, 12), axis=0))
    if n < 2:
        raise DomainError("all customers have the same feature values: there is nothing to cluster.")
    if n < ks[0]:
        raise DomainError(f"the customers have only {n} distinct combinations of feature values, so the data "
                          f"support at most {n} clusters; set k_min ≤ {n}.")
    return n


# ====================================================================== stability
@dataclass(frozen=True, eq=False, repr=False)
class Stability(Result):
    """Mean adjusted Rand index between the full-data clustering and resample fits, per k."""

    table: pd.DataFrame
    n_boot: int
    model: str
    seed: int
    title: str = "Bootstrap stability (自助法稳定性)"
    _conventions = ("model", "n_boot", "seed")

    def interpret(self, lang: str = "en", *, k: int | None = None) -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`).

        ``k`` is the number of clusters in use (compared with the most stable k); None: the most stable k."""
        return split_sentences(self._summary_text(self._best_k() if k is None else k, lang))

    @deprecated("interpret")
    def summary(self, k: int, lang: str = "en") -> str:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._summary_text(k, lang)

    def _best_k(self) -> int:
        """The k with the highest mean adjusted Rand index."""
        return int(self.table.set_index("k")["mean_ari"].idxmax())

    def _summary_text(self, k: int, lang: str = "en") -> str:
        check_lang(lang)
        t = self.table.set_index("k").dropna(subset=["mean_ari"])
        if k not in t.index:
            raise ParameterError(f"k={k} was not in the stability run (k = {', '.join(map(str, t.index))}); "
                                 "run stability over a range that includes it.")
        kb = int(t["mean_ari"].idxmax())
        if kb == k:
            return _t("say_stability_best", lang).format(b=self.n_boot, best=t.loc[kb, "mean_ari"], kb=kb)
        return _t("say_stability", lang).format(b=self.n_boot, best=t.loc[kb, "mean_ari"], kb=kb,
                                                rec=t.loc[k, "mean_ari"], kr=k)

    def plot(self, ax=None, lang: str = "en"):
        return plot_stability(self, ax=ax, lang=lang)


def stability(
    X: Any,
    k_range: Iterable[int] = range(2, 9),
    *,
    n_boot: int = 10,
    model: str = "kmeans",
    seed: int = 0,
    n_init: int | None = None,
    threads: int = 1,
) -> Stability:
    """Bootstrap stability per k (Hennig 2007; Lange et al. 2004 use the same idea).

    For each k: fit on all customers (reference); then ``n_boot`` times draw n customers with
    replacement (seeded), fit on the resample, assign every customer with the resample's model and
    compute the adjusted Rand index against the reference. ARI is 1 for identical partitions
    (labels may differ) and ≈ 0 for chance agreement.
    """
    from sklearn.metrics import adjusted_rand_score

    F = _as_features(X)
    model = _resolve_model(model, F.n)
    if model not in ("kmeans", "minibatch", "gmm"):
        raise ParameterError(f"stability needs a model that assigns new customers (kmeans, minibatch, gmm); got {model!r}.")
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ParameterError(f"n_boot={n_boot!r} must be a whole number ≥ 2.")
    ks = _check_k_range(k_range, F.n)
    Z = F.data.to_numpy()
    n_distinct = _n_distinct(Z, ks)
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, F.n, size=F.n) for _ in range(n_boot)]
    rows = []
    for k in ks:
        if k > n_distinct:  # not supported by the data (see choose_k)
            rows.append({"k": k, "mean_ari": np.nan, "sd_ari": np.nan, "min_ari": np.nan})
            continue
        _, ref, _ = _fit_matrix(Z, k, model, seed=seed, n_init=n_init, batch_size=4096, eps=None, min_samples=0,
                                threads=threads)
        aris = []
        for b, idx in enumerate(draws):
            est, _, _ = _fit_matrix(Z[idx], k, model, seed=seed + b + 1, n_init=n_init, batch_size=4096,
                                    eps=None, min_samples=0, threads=threads)
            with _threads(threads):
                aris.append(adjusted_rand_score(ref, est.predict(Z)))
        a = np.array(aris)
        rows.append({"k": k, "mean_ari": a.mean(), "sd_ari": a.std(ddof=1), "min_ari": a.min()})
    return Stability(table=pd.DataFrame(rows), n_boot=int(n_boot), model=model, seed=seed)


# ====================================================================== model comparison
@dataclass(frozen=True, eq=False, repr=False)
class ModelComparison(Result):
    """Several models on the same features: sizes, scores, runtime and pairwise agreement (ARI)."""

    table: pd.DataFrame
    agreement: pd.DataFrame
    fits: Mapping[str, Clustering]
    k: int
    seed: int
    notes: tuple[str, ...] = ()
    title: str = "Clustering models compared (常见的聚类模型比较)"
    _conventions = ("k", "seed")

    def interpret(self, lang: str = "en") -> list[str]:
        """Which two models agree most and which least (adjusted Rand index between their clusterings)."""
        check_lang(lang)
        a = self.agreement
        names = list(a.index)
        pairs = [(float(a.iloc[i, j]), names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))]
        if not pairs:
            return [f"只比较了一个模型（{names[0]}），k = {self.k}。" if lang == "zh"
                    else f"Only one model ({names[0]}) was fitted, with k = {self.k}."]
        hi, lo = max(pairs), min(pairs)
        if len(pairs) == 1:  # two models: one agreement, neither "most" nor "least"
            return [f"在 k = {self.k} 时，{hi[1]} 与 {hi[2]} 分群的调整兰德指数为 {hi[0]:.2f}。" if lang == "zh"
                    else f"With k = {self.k}, {hi[1]} and {hi[2]} agree with adjusted Rand index {hi[0]:.2f}."]
        if lang == "zh":
            return [f"在 k = {self.k} 时，{hi[1]} 与 {hi[2]} 的分群最接近（调整兰德指数 {hi[0]:.2f}），"
                    f"{lo[1]} 与 {lo[2]} 差别最大（{lo[0]:.2f}）。"]
        return [f"With k = {self.k}, {hi[1]} and {hi[2]} agree most (adjusted Rand index {hi[0]:.2f}) and "
                f"{lo[1]} and {lo[2]} least ({lo[0]:.2f})."]


def compare_models(
    X: Any,
    k: int = 4,
    *,
    models: Sequence[str] = ("kmeans", "minibatch", "gmm", "ward"),
    seed: int = 0,
    sample_size: int = 10_000,
    eps: float | None = None,
    min_samples: int = 10,
    lang: str = "en",
    threads: int = 1,
) -> ModelComparison:
    """Fit each model with the same k and seed; one table and an ARI agreement matrix.

    Table columns: model, clusters found, sizes (cluster 0 first, canonical order), smallest
    cluster share, noise share (DBSCAN), silhouette, Calinski–Harabasz, Davies–Bouldin, runtime in
    seconds and ARI against the first model. Ward is skipped (with a note) above 20,000 customers.
    """
    from sklearn.metrics import adjusted_rand_score

    check_lang(lang)
    F = _as_features(X)
    k = _check_k(k, F.n)
    models = [_check_model(m) for m in models]
    if not models:
        raise ParameterError("models is empty; pass e.g. ('kmeans', 'gmm', 'ward').")
    fits: dict[str, Clustering] = {}
    notes = []
    for m in models:
        if m == "ward" and F.n > WARD_MAX:
            notes.append(f"ward skipped: {F.n:,} customers > {WARD_MAX:,} (O(n²) memory)")
            continue
        fits[m] = fit(F, k, model=m, seed=seed, eps=eps, min_samples=min_samples, threads=threads)
    Z = F.data.to_numpy()
    first = next(iter(fits.values()))
    rows = []
    for m, c in fits.items():
        lab = c.labels.to_numpy()
        sizes = c.sizes()
        sz = sizes[sizes.index >= 0]
        rows.append({
            "model": _t(m, lang), "clusters": c.n_clusters,
            "sizes": " / ".join(f"{v:,}" for v in sz.to_numpy()),
            "smallest_share": float(sz.min() / F.n), "noise_share": float((lab < 0).mean()),
            **_scores_limited(Z, lab, sample_size, seed, threads),
            "runtime_s": c.runtime,
            "ari_vs_first": float(adjusted_rand_score(first.labels.to_numpy(), lab)),
        })
    names = [_t(m, lang) for m in fits]
    agree = pd.DataFrame([[adjusted_rand_score(a.labels.to_numpy(), b.labels.to_numpy()) for b in fits.values()]
                          for a in fits.values()], index=names, columns=names)
    return ModelComparison(table=pd.DataFrame(rows), agreement=agree, fits=fits, k=k, seed=seed, notes=tuple(notes))


# ====================================================================== profiles and names
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


def naming_rule_text(lang: str = "en") -> str:
    """The three comparisons of the naming rule, as sentences."""
    sep = "；" if lang == "zh" else "; "
    return sep.join(_t(k, lang) for k in ("rule_r", "rule_f", "rule_m"))


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
    _columns = _RESULT_COLUMNS

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
        lang = lang or self.lang
        check_lang(lang)
        out = []
        names = self.name_of(lang)
        feats = [c for c in self.rfm if c is not None] or list(self.overall.index)
        sep = "，" if lang == "zh" else ", "
        for c, row in self.table.iterrows():
            facts = sep.join(_t("say_fact", lang).format(feat=_t(f, lang), v=row[f"{f}_mean"],
                                                         idx=row[f"{f}_mean_index"])
                             for f in feats[:max_features])
            rev = row["revenue_share"] if pd.notna(row["revenue_share"]) else float("nan")
            out.append(_t("say_cluster", lang).format(c=c, name=names[int(c)], share=row["share"], rev=rev,
                                                      facts=facts))
        return out

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
        return plot_profile_heatmap(self, ax=ax, lang=lang or self.lang)


def _labels_of(labels: Any) -> pd.Series:
    if isinstance(labels, Clustering):
        return labels.labels
    if isinstance(labels, pd.Series):
        return labels
    raise DataError(f"labels must be a Clustering or a Series indexed by customer id; got {type(labels).__name__}.")


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


# ====================================================================== clusters vs segments
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
    _columns = _RESULT_COLUMNS

    def shares(self) -> pd.DataFrame:
        """Row shares: of each cluster's customers, the share in each segment."""
        return self.table.div(self.table.sum(axis=1), axis=0)

    def _summary_text(self, lang: str = "en") -> str:
        what = _t(self.what, lang)
        return _t("say_crosstab", lang).format(what=what, ari=self.ari, purity=self.purity)


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


# ====================================================================== why scaling matters
@dataclass(frozen=True, eq=False, repr=False)
class ScalingEffect(ParagraphResult):
    """η² of each feature under clusterings made with different feature preparations.

    ``summary`` says a feature dominates the raw distances only when it carries at least
    ``DOMINANT_SHARE`` (80 %) of the total raw variance (squared Euclidean distances add up the features' squared differences); η² is
    measured after log1p + standardising, so the feature the raw clusters capture best need not be it.
    """

    table: pd.DataFrame     # variant × feature
    k: int
    seed: int
    raw_sd: pd.Series       # standard deviation of each raw feature (its "units")
    title: str = "Why scaling matters (为什么要标准化)"
    _conventions = ("k", "seed")

    def _summary_text(self, lang: str = "en") -> str:
        """What the raw clustering misses, in one sentence generated from the η² table."""
        check_lang(lang)
        raw, best = self.table.loc["raw"], self.table.loc["log1p + standard"]
        name = {f: text(f, lang) for f in self.table.columns}
        var = self.raw_sd ** 2
        big = var.idxmax()
        vshare = float(var[big] / var.sum()) if var.sum() > 0 else 0.0
        first = _t("say_scaling", lang).format(hi=name[raw.idxmax()], vhi=raw.max(), lo=name[raw.idxmin()],
                                               vlo=raw.min(), k=self.k, vmin=best.min())
        # "dominates" only when one feature carries most of the raw variance (what raw distances add up)
        key = "say_scaling_dominant" if vshare >= DOMINANT_SHARE else "say_scaling_balanced"
        sd = float(self.raw_sd[big])
        second = _t(key, lang).format(big=name[big], vshare=vshare, sd=f"{sd:,.0f}" if sd >= 100 else f"{sd:,.2f}")
        return first + ("" if lang == "zh" else " ") + second

    def plot(self, ax=None, lang: str = "en"):
        return plot_scaling_effect(self, ax=ax, lang=lang)


def scaling_effect(
    table: Any,
    k: int = 4,
    *,
    columns: Sequence[str] | None = None,
    id_col: str = "customer_id",
    seed: int = 0,
) -> ScalingEffect:
    """Cluster the same customers three ways — raw, standardised, log1p + standardised — and show
    how much of each feature's variation the clusters capture.

    η² (eta squared) of feature j = between-cluster sum of squares ÷ total sum of squares, measured
    on the log1p+standardised values so the three clusterings are judged in the same units. Raw
    features let the largest-unit column (money) decide the clusters alone.
    """
    variants = {"raw": dict(log=None, scaling="none"), "standard": dict(log=None, scaling="standard"),
                "log1p + standard": dict(log="auto", scaling="standard")}
    ref = prepare_features(table, columns=columns, id_col=id_col, log="auto", scaling="standard").data
    rows = {}
    for name, kw in variants.items():
        F = prepare_features(table, columns=columns, id_col=id_col, **kw)
        lab = fit(F, k, seed=seed).labels.to_numpy()
        tot = ((ref - ref.mean()) ** 2).sum()
        between = ref.groupby(lab).apply(lambda d: len(d) * (d.mean() - ref.mean()) ** 2).sum()
        rows[name] = between / tot
    raw_sd = prepare_features(table, columns=columns, id_col=id_col, log=None, scaling="none").raw.std(ddof=0)
    return ScalingEffect(table=pd.DataFrame(rows).T.rename_axis("preparation"), k=k, seed=seed, raw_sd=raw_sd)


# ====================================================================== plots
def _plt():
    import matplotlib.pyplot as plt

    return plt


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
    with _threads(1):
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
    with _threads(1):
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
