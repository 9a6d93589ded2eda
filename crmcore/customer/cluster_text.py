"""Words of crmcore.cluster: the en/zh catalogues and the sentences its results say.

Catalogues (:class:`crmcore.labels.Catalogue`): ``cluster.labels`` (axis labels, titles, model and criterion
names, sentence templates), ``cluster.columns`` (report table headers beyond :data:`crmcore.labels.COLUMNS`),
``cluster.result_columns`` (headers of the results' ``to_frame(lang)``) and ``cluster.scaling`` (the scaling
step in words). The functions below are the bodies of the results' ``interpret``: each takes the result and
writes what its numbers say, in ``lang``. The method modules import this module, never the other way round.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from crmcore.customer import rfm
from crmcore.errors import ParameterError
from crmcore.labels import COMMON, Catalogue, check_lang, text

if TYPE_CHECKING:
    from crmcore.customer.cluster import ModelComparison
    from crmcore.customer.cluster_features import Features, ScalingEffect
    from crmcore.customer.cluster_k import KChoice, Stability
    from crmcore.customer.cluster_models import Clustering
    from crmcore.customer.cluster_profile import CrossTab, Profile

#: share of the total raw variance from which one feature is said to dominate raw distances
DOMINANT_SHARE = 0.8

LABELS = Catalogue("cluster.labels", {
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
})

#: Table headers (en/zh) of the clustering report tables (notebook 07) beyond crmcore.labels.COLUMNS.
_columns: dict[str, dict[str, str]] = {
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
    _columns[f"{_f}_mean"] = {"en": f"{_n['en']}: mean", "zh": f"{_n['zh']}：均值"}
    _columns[f"{_f}_median"] = {"en": f"{_n['en']}: median", "zh": f"{_n['zh']}：中位数"}
    _columns[f"{_f}_mean_index"] = {"en": f"{_n['en']}: mean ÷ overall mean", "zh": f"{_n['zh']}：均值 ÷ 总体均值"}
COLUMNS = Catalogue("cluster.columns", _columns)
del _f, _n, _columns

#: readable headers of the results' to_frame(lang) not in COLUMNS (the result protocol of crmcore.results)
RESULT_HEADERS = Catalogue("cluster.result_columns", {
    "supported": {"en": "Supported by the data", "zh": "数据是否支持"},
    "recency_median_index": {"en": "Recency: median ÷ overall mean", "zh": "最近一次消费：中位数 ÷ 总体均值"},
    "frequency_median_index": {"en": "Frequency: median ÷ overall mean", "zh": "消费频率：中位数 ÷ 总体均值"},
    "monetary_median_index": {"en": "Monetary: median ÷ overall mean", "zh": "消费金额：中位数 ÷ 总体均值"},
    "name_en": {"en": "Name (English)", "zh": "英文名称"},
    "name_zh": {"en": "Name (Chinese)", "zh": "中文名称"},
})
#: the result classes' ``_columns``: their own headers and the RFM segment names (the RFM module's words)
RESULT_COLUMNS: dict = {**RESULT_HEADERS, **rfm.SEGMENT_NAMES}

#: the scaling step in words (Features.interpret)
SCALING_WORDS = Catalogue("cluster.scaling", {
    "standard": {"en": "every feature is standardised (mean 0, standard deviation 1)",
                 "zh": "每个特征标准化为均值 0、标准差 1"},
    "robust": {"en": "every feature is scaled robustly (median 0, interquartile range 1)",
               "zh": "每个特征按中位数和四分位距做稳健缩放"},
    "minmax": {"en": "every feature is scaled to the range 0–1", "zh": "每个特征缩放到 0–1 区间"},
    "none": {"en": "the features are used without scaling", "zh": "特征不做缩放直接使用"},
})


def naming_rule_text(lang: str = "en") -> str:
    """The three comparisons of the naming rule, as sentences."""
    sep = "；" if lang == "zh" else "; "
    return sep.join(_t(k, lang) for k in ("rule_r", "rule_f", "rule_m"))


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


def features_sentences(F: "Features", lang: str = "en") -> list[str]:
    """How many customers, which features, and the transform applied to them."""
    check_lang(lang)
    sep = "、" if lang == "zh" else ", "
    names = sep.join(text(c, lang) for c in F.columns)
    logs = sep.join(text(c, lang) for c in F.log_columns)
    scaling = SCALING_WORDS[F.scaling][lang]
    if lang == "zh":
        return [f"{F.n:,} 位客户用 {len(F.columns)} 个特征描述（{names}）；"
                + (f"{logs}先取对数（log1p），" if logs else "") + f"然后{scaling}。"]
    return [f"{F.n:,} customers are described by {len(F.columns)} features ({names}); "
            + (f"{logs} are log-transformed (log1p) first, then " if logs else "") + f"{scaling}."]


def clustering_sentences(c: "Clustering", lang: str = "en") -> list[str]:
    """How many clusters, and the largest and smallest by share of customers."""
    check_lang(lang)
    s = c.sizes()
    share = s / s.sum()
    big, small = int(share.idxmax()), int(share.idxmin())
    if lang == "zh":
        return [f"{len(s)} 个簇覆盖 {int(s.sum()):,} 位客户：最大的是簇 {big}（{share[big]:.1%}），"
                f"最小的是簇 {small}（{share[small]:.1%}）。"]
    return [f"{len(s)} clusters cover {int(s.sum()):,} customers: the largest is cluster {big} ({share[big]:.1%}), "
            f"the smallest cluster {small} ({share[small]:.1%})."]


def k_reason(kc: "KChoice", lang: str = "en") -> str:
    """Why this k, generated from the numbers."""
    check_lang(lang)
    crit = {"knee": "crit_knee", "silhouette": "crit_silhouette", "calinski_harabasz": "crit_ch",
            "davies_bouldin": "crit_db"}
    per = []
    for c, key in crit.items():
        v = kc.choices.get(c)
        per.append(f"{_t(key, lang)} → {v if v is not None else _t('no_knee', lang)}")
    sep = "；" if lang == "zh" else "; "
    if kc.rule == "vote":
        names = [_t(crit[c], lang) for c, v in kc.choices.items() if v == kc.recommended]
        m = sum(v is not None for v in kc.choices.values())
        how = _t("how_vote", lang).format(n=len(names), m=m, names=("、" if lang == "zh" else ", ").join(names))
        counts = pd.Series([v for v in kc.choices.values() if v is not None]).value_counts()
        if (counts == counts.max()).sum() > 1:
            how += _t("how_vote_tie", lang)
    else:
        key = {"silhouette": "crit_silhouette", "knee": "crit_knee", "calinski_harabasz": "crit_ch",
               "davies_bouldin": "crit_db"}[kc.rule]
        how = _t("how_rule", lang).format(rule=kc.rule, name=_t(key, lang))
    out = _t("say_choice", lang).format(k=kc.recommended, how=how, per=sep.join(per))
    if kc.n_distinct is not None:
        skipped = [int(x) for x in kc.table.loc[~kc.table["supported"], "k"]]
        ks = f"{skipped[0]}–{skipped[-1]}" if len(skipped) > 1 else str(skipped[0])
        out += ("" if lang == "zh" else " ") + _t("say_distinct", lang).format(n=kc.n_distinct, ks=ks)
    return out


def stability_text(st: "Stability", k: int, lang: str = "en") -> str:
    """The most stable k, and the stability of ``k`` (the number of clusters in use) beside it."""
    check_lang(lang)
    t = st.table.set_index("k").dropna(subset=["mean_ari"])
    if k not in t.index:
        raise ParameterError(f"k={k} was not in the stability run (k = {', '.join(map(str, t.index))}); "
                             "run stability over a range that includes it.")
    kb = int(t["mean_ari"].idxmax())
    if kb == k:
        return _t("say_stability_best", lang).format(b=st.n_boot, best=t.loc[kb, "mean_ari"], kb=kb)
    return _t("say_stability", lang).format(b=st.n_boot, best=t.loc[kb, "mean_ari"], kb=kb,
                                            rec=t.loc[k, "mean_ari"], kr=k)


def comparison_sentences(mc: "ModelComparison", lang: str = "en") -> list[str]:
    """Which two models agree most and which least (adjusted Rand index between their clusterings)."""
    check_lang(lang)
    a = mc.agreement
    names = list(a.index)
    pairs = [(float(a.iloc[i, j]), names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))]
    if not pairs:
        return [f"只比较了一个模型（{names[0]}），k = {mc.k}。" if lang == "zh"
                else f"Only one model ({names[0]}) was fitted, with k = {mc.k}."]
    hi, lo = max(pairs), min(pairs)
    if len(pairs) == 1:  # two models: one agreement, neither "most" nor "least"
        return [f"在 k = {mc.k} 时，{hi[1]} 与 {hi[2]} 分群的调整兰德指数为 {hi[0]:.2f}。" if lang == "zh"
                else f"With k = {mc.k}, {hi[1]} and {hi[2]} agree with adjusted Rand index {hi[0]:.2f}."]
    if lang == "zh":
        return [f"在 k = {mc.k} 时，{hi[1]} 与 {hi[2]} 的分群最接近（调整兰德指数 {hi[0]:.2f}），"
                f"{lo[1]} 与 {lo[2]} 差别最大（{lo[0]:.2f}）。"]
    return [f"With k = {mc.k}, {hi[1]} and {hi[2]} agree most (adjusted Rand index {hi[0]:.2f}) and "
            f"{lo[1]} and {lo[2]} least ({lo[0]:.2f})."]


def profile_sentences(p: "Profile", lang: str | None = None, *, max_features: int = 3) -> list[str]:
    """One sentence per cluster, generated from the numbers."""
    lang = lang or p.lang
    check_lang(lang)
    out = []
    names = p.name_of(lang)
    feats = [c for c in p.rfm if c is not None] or list(p.overall.index)
    sep = "，" if lang == "zh" else ", "
    for c, row in p.table.iterrows():
        facts = sep.join(_t("say_fact", lang).format(feat=_t(f, lang), v=row[f"{f}_mean"],
                                                     idx=row[f"{f}_mean_index"])
                         for f in feats[:max_features])
        rev = row["revenue_share"] if pd.notna(row["revenue_share"]) else float("nan")
        out.append(_t("say_cluster", lang).format(c=c, name=names[int(c)], share=row["share"], rev=rev,
                                                  facts=facts))
    return out


def crosstab_text(ct: "CrossTab", lang: str = "en") -> str:
    """How far the clusters and the other grouping agree (ARI, purity)."""
    what = _t(ct.what, lang)
    return _t("say_crosstab", lang).format(what=what, ari=ct.ari, purity=ct.purity)


def scaling_text(se: "ScalingEffect", lang: str = "en") -> str:
    """What the raw clustering misses, in one sentence generated from the η² table."""
    check_lang(lang)
    raw, best = se.table.loc["raw"], se.table.loc["log1p + standard"]
    name = {f: text(f, lang) for f in se.table.columns}
    var = se.raw_sd ** 2
    big = var.idxmax()
    vshare = float(var[big] / var.sum()) if var.sum() > 0 else 0.0
    first = _t("say_scaling", lang).format(hi=name[raw.idxmax()], vhi=raw.max(), lo=name[raw.idxmin()],
                                           vlo=raw.min(), k=se.k, vmin=best.min())
    # "dominates" only when one feature carries most of the raw variance (what raw distances add up)
    key = "say_scaling_dominant" if vshare >= DOMINANT_SHARE else "say_scaling_balanced"
    sd = float(se.raw_sd[big])
    second = _t(key, lang).format(big=name[big], vshare=vshare, sd=f"{sd:,.0f}" if sd >= 100 else f"{sd:,.2f}")
    return first + ("" if lang == "zh" else " ") + second


def _t(key: str, lang: str) -> str:
    return text(key, lang, LABELS)
