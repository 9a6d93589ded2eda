"""Self-checks for notebook 07 (customer clustering, 客户聚类)."""
from __future__ import annotations

from typing import Any, Sequence

from . import verdict


def check_1(answer: int, customers: Any, *, columns: Sequence[str], k_min: int, k_max: int, seed: int,
            lang: str = "en") -> bool:
    """Exercise 1: the recommended k with robust scaling."""
    from crmcore.customer import cluster

    X = cluster.prepare_features(customers, columns=list(columns), scaling="robust")
    k = cluster.choose_k(X, range(k_min, k_max + 1), seed=seed).recommended
    ok = int(answer) == k
    return verdict(ok, lang,
                   right=(f"Right: with robust scaling the recommended k is {k}.",
                          f"正确：稳健缩放下推荐的聚类数为 {k}。"),
                   wrong=("Not yet: prepare_features(..., scaling='robust'), then choose_k(...).recommended with the "
                          "same k range and seed.",
                          "还不对：先 prepare_features(..., scaling='robust')，再用同样的 k 范围和随机种子取 "
                          "choose_k(...).recommended。"))


def split_cluster(final: Any, plus: Any) -> int:
    """The cluster of ``final`` whose customers ``plus`` (k + 1 clusters) divides most evenly."""
    import pandas as pd

    tab = pd.crosstab(final.labels, plus.labels)
    shares = tab.div(tab.sum(axis=1), axis=0)
    second = shares.apply(lambda r: r.sort_values(ascending=False).iloc[1] if len(r) > 1 else 0.0, axis=1)
    return int(second.idxmax())


def check_3(answer: int, final: Any, plus: Any, *, lang: str = "en") -> bool:
    """Exercise 3: which cluster split when one more cluster was fitted."""
    c = split_cluster(final, plus)
    ok = int(answer) == c
    return verdict(ok, lang,
                   right=(f"Right: cluster {c} is the one divided between two new clusters.",
                          f"正确：被拆成两个新类别的是类别 {c}。"),
                   wrong=("Not yet: cross-tabulate final.labels against the new labels; the split cluster is the "
                          "row whose customers go to two columns in large shares.",
                          "还不对：把 final.labels 与新标签做交叉表；被拆分的类别是客户大量分到两列的那一行。"))
