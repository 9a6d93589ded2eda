"""Charts of crmcore.key_accounts: one account's closeness and gap by month, and an account's relationship map."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.errors import DataError
from crmcore.labels import check_lang
from crmcore.sales.key_accounts_text import _t

if TYPE_CHECKING:
    from crmcore.sales.key_accounts import Evaluation


def plot_evaluation(evaluation: Evaluation, ax=None, lang: str = "en", account: str | None = None):
    """Closeness and need–capability gap by month of one account (default: the one whose closeness fell most)."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    acc = account or evaluation.latest.sort_values("closeness_change").iloc[0]["account_id"]
    t = evaluation.table[evaluation.table["account_id"] == acc]
    x = np.arange(len(t))
    ax.plot(x, t["closeness"], marker="o", label=_t(lang, "closeness", "关系紧密度"))
    ax.plot(x, t["gap"], marker="s", label=_t(lang, "need–capability gap", "需求–能力差距"))
    ax.set_xticks(x[::2], t["month"].iloc[::2])
    ax.set_ylim(-4.5, 5.5)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title(_t(lang, f"{acc}: closeness and need–capability gap by month",
                    f"{acc}：逐月关系紧密度与需求–能力差距"))
    ax.set_ylabel(_t(lang, "points (1–5 scale)", "分（1–5 分制）"))
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_relationship_map(contacts: pd.DataFrame, account_id: str, ax=None, lang: str = "en"):
    """The relationship map (关系图) of one account: each person a node placed by reporting level, sized by
    influence (1–5), coloured by our relationship strength (1 red … 5 green), labelled with the role; arrows
    follow ``reports_to``."""
    import matplotlib.pyplot as plt
    from matplotlib import colormaps

    check_lang(lang)
    c = contacts[contacts["account_id"] == account_id].reset_index(drop=True)
    if c.empty:
        raise DataError(f"account {account_id!r} has no contacts; the relationship map needs its people.")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    boss = dict(zip(c["contact_id"], c["reports_to"].fillna("").astype(str)))
    depth = {}
    for cid in c["contact_id"]:
        d, cur, seen = 0, cid, set()
        while boss.get(cur) and boss[cur] in boss and cur not in seen:
            seen.add(cur)
            cur, d = boss[cur], d + 1
        depth[cid] = d
    c["level"] = c["contact_id"].map(depth)
    pos = {}
    for lvl, grp in c.groupby("level"):
        xs = np.linspace(0, 1, len(grp) + 2)[1:-1]
        for x, cid in zip(xs, grp["contact_id"]):
            pos[cid] = (x, -lvl)
    for cid, b in boss.items():
        if b in pos:
            (x0, y0), (x1, y1) = pos[b], pos[cid]
            ax.annotate("", xy=(x1, y1 + 0.12), xytext=(x0, y0 - 0.12),
                        arrowprops={"arrowstyle": "->", "color": "grey", "lw": 1})
    cmap = colormaps["RdYlGn"]
    for r in c.itertuples():
        x, y = pos[r.contact_id]
        ax.scatter([x], [y], s=250 + 180 * float(r.influence), color=cmap((float(r.relationship) - 1) / 4),
                   edgecolors="black", zorder=3)
        ax.text(x, y - 0.3, f"{b2b.value(r.name, lang)}\n{b2b.value(r.role, lang)}", ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-c["level"].max() - 0.9, 0.5)
    ax.axis("off")
    ax.set_title(_t(lang, f"Relationship map of {account_id}: size = influence, colour = our relationship "
                          "(red weak, green strong)",
                    f"{account_id} 关系图：圆越大影响力越大，颜色表示我方关系强度（红弱绿强）"), fontsize=10)
    return ax
