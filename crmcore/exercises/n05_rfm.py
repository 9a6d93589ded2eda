"""Self-checks for notebook 05 (RFM): call them on your own answer, e.g. ``ex.check_1(changed, tx=tx, asof=asof)``."""
from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from . import verdict


def _f_scores(tx: Any, asof: Any, frequency: str) -> pd.Series:
    from crmcore.customer import rfm

    with warnings.catch_warnings():  # return-only customers were reported by the notebook's own table
        warnings.simplefilter("ignore", UserWarning)
        t = rfm.rfm_table(tx, asof=asof, frequency=frequency)
    return rfm.score(t).table.set_index("customer_id")["F"]


def changed_f_scores(tx: Any, *, asof: Any) -> int:
    """Exercise 1's value: customers whose F score differs between F = invoices and F = purchase days."""
    a, b = _f_scores(tx, asof, "invoices"), _f_scores(tx, asof, "days")
    return int((a != b.reindex(a.index)).sum())


def check_1(answer: Any, *, tx: Any, asof: Any, lang: str = "en") -> bool:
    """Exercise 1: how many customers change F score when F counts purchase days instead of invoices?"""
    right = changed_f_scores(tx, asof=asof)
    try:
        ok = int(answer) == right
    except (TypeError, ValueError):
        ok = False
    n = len(_f_scores(tx, asof, "invoices"))
    return verdict(ok, lang,
                   right=(f"Right: {right:,} of {n:,} customers ({right / n:.1%}) change F score.",
                          f"正确：{n:,} 位客户中有 {right:,} 位（{right / n:.1%}）的 F 评分发生了变化。"),
                   wrong=(f"Not yet: your answer is {answer!r}. Score both tables with rfm.score, merge them on "
                          "customer_id and count the rows whose F differs.",
                          f"还不对：你的答案是 {answer!r}。请分别用 rfm.score 评分，按 customer_id 合并，"
                          "再数一数 F 评分不同的行数。"))


def check_2(rules: Any, *, lang: str = "en") -> bool:
    """Exercise 2: a rule table with keep (R 4–5), develop (R 2–3, F 3–5) and the rest that crmcore accepts."""
    from crmcore.customer import rfm
    from crmcore.errors import CrmError

    try:
        df = rfm.check_rules(rules)
    except (CrmError, ValueError, TypeError, KeyError) as err:
        return verdict(False, lang, right=("", ""),
                       wrong=(f"Not yet: crmcore refuses the table — {err}",
                              f"还不对：crmcore 不接受这张规则表——{err}"))
    cells = pd.DataFrame([(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)],
                         columns=["R", "F", "M"])
    cells.insert(0, "customer_id", range(len(cells)))
    seg = rfm.segment(cells, scheme=df).table.set_index("customer_id")["segment"]
    keep = seg[(cells["R"] >= 4).to_numpy()]
    develop = seg[((cells["R"].between(2, 3)) & (cells["F"] >= 3)).to_numpy()]
    ok = keep.nunique() == 1 and develop.nunique() == 1 and keep.iloc[0] != develop.iloc[0]
    return verdict(ok, lang,
                   right=(f"Right: {len(df)} segments, every one of the 125 score cells in exactly one.",
                          f"正确：共 {len(df)} 个客户分群，125 个评分组合各归入且只归入一个分群。"),
                   wrong=("Not yet: the table is a valid partition, but 'keep' should be exactly R 4–5 and 'develop' "
                          "R 2–3 with F 3–5.",
                          "还不对：规则表本身有效，但“保持”应正好是 R 4–5，“发展”应是 R 2–3 且 F 3–5。"))


def grown_most(tx: Any, *, asof_from: Any, asof: Any, scheme: str = "rfm11") -> str:
    """Exercise 3's value: the segment key that gained the most customers when today is scored on the
    cut points of ``asof_from``."""
    from crmcore.customer import rfm

    m = rfm.migration(tx, asof_from=asof_from, asof_to=asof, scheme=scheme, cuts="from")
    new_rows = [i for i in m.counts.index if i not in m.counts.columns]
    change = m.counts.sum(axis=0) - m.counts.drop(index=new_rows).sum(axis=1).reindex(m.counts.columns, fill_value=0)
    return str(change.sort_values(ascending=False, kind="stable").index[0])


def check_3(answer: Any, *, tx: Any, asof_from: Any, asof: Any, lang: str = "en") -> bool:
    """Exercise 3: which segment grew the most? Give its key (``"champions"``) or its name in either language."""
    from crmcore.customer import rfm

    key = grown_most(tx, asof_from=asof_from, asof=asof)
    row = next(r for r in [*rfm.RFM11, rfm.NO_SPREAD] if r["segment"] == key)
    ok = str(answer).strip().lower() in {key, row["en"].lower(), row["zh"]}
    return verdict(ok, lang,
                   right=(f"Right: '{row['en']}' grew the most.", f"正确：增长最多的是“{row['zh']}”。"),
                   wrong=(f"Not yet: {answer!r} is not the segment that grew the most. Compare the column sums of "
                          "migration(...).counts (now) with the row sums without the '(new)' row (then).",
                          f"还不对：{answer!r} 不是增长最多的分群。请比较 migration(...).counts 的列合计（期末）"
                          "与去掉“(新客户)”行后的行合计（期初）。"))
