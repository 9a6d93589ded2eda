"""Key-account management (守正: 大客户管理, ESP+): identification, tiers, dynamic evaluation, states, relationship maps.

Following the CRM 3.0 / 客户管理 course material:

- **Identification and tiers** by the comprehensive score (重点客户综合积分法) of
  :func:`crmcore.customer_value.key_account_scores`: sales in the last two years, potential in the next
  three, can we win it, can we deliver, demonstration effect — AHP weights (Saaty 1980). A sales team
  can give real attention to about 5–25 key accounts (the rule of thumb the material quotes); a tier-A
  count outside that range is flagged.
- **Dynamic evaluation** (动态评价), monthly: importance (the comprehensive score), the gap between the
  customer's needs and our capability (需求–能力差距, reviewed every one to three months) and relationship
  closeness (关系紧密度, every month), with each account's trend.
- **Account state and strategy**: acquire (获取), grow (提升), retain (维系), win back (待挽回), lost (已流失).
- **Relationship map** (关系图) of one account: people, roles in the decision chain, influence and our
  relationship strength, drawn with matplotlib.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.customer.customer_value import key_account_scores
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

#: how many key accounts a sales team can manage well (the course material's rule of thumb)
RULE_OF_THUMB = (5, 25)
STATES = ("acquire", "grow", "retain", "win_back", "lost")

STATE_LABELS = {
    "acquire": {"en": "acquire", "zh": "获取"}, "grow": {"en": "grow", "zh": "提升"},
    "retain": {"en": "retain", "zh": "维系"}, "win_back": {"en": "win back", "zh": "待挽回"},
    "lost": {"en": "lost", "zh": "已流失"},
}
STRATEGIES = {
    "acquire": {"en": "map the decision chain, find a coach, win a first reference project",
                "zh": "摸清决策链，发展内线，拿下第一个样板项目"},
    "grow": {"en": "cross-sell into new departments and products; joint account plan with the customer",
             "zh": "向新部门、新产品交叉销售；与客户共同制定客户计划"},
    "retain": {"en": "protect the relationship: regular executive visits, service reviews, renewals on time",
               "zh": "巩固关系：高层定期拜访、服务回顾、按时续约"},
    "win_back": {"en": "find out why now: visit the decision maker, close the need–capability gap, recovery plan",
                 "zh": "立即查明原因：拜访决策者，弥补需求与能力的差距，制定挽回计划"},
    "lost": {"en": "post-mortem; keep light contact and watch for a new opening",
             "zh": "复盘丢单原因；保持低频联系，等待新的机会"},
}

COLUMNS: dict[str, dict[str, str]] = {
    "account_id": {"en": "Account", "zh": "客户"}, "name": {"en": "Name", "zh": "客户名称"},
    "sales_2y": {"en": "Sales, last two years", "zh": "近两年销售额"},
    "potential_3y": {"en": "Potential, next three years", "zh": "未来三年潜力"},
    "score": {"en": "Comprehensive score", "zh": "综合积分"}, "tier": {"en": "Tier", "zh": "客户等级"},
    "rank": {"en": "Rank", "zh": "排名"}, "month": {"en": "Month", "zh": "月份"},
    "importance": {"en": "Importance (score)", "zh": "重要性（综合积分）"},
    "need": {"en": "Need", "zh": "客户需求"}, "capability": {"en": "Our capability", "zh": "我方能力"},
    "gap": {"en": "Need–capability gap", "zh": "需求–能力差距"}, "closeness": {"en": "Closeness", "zh": "关系紧密度"},
    "closeness_change": {"en": "Closeness change, 3 months", "zh": "近三个月紧密度变化"},
    "gap_change": {"en": "Gap change, 3 months", "zh": "近三个月差距变化"},
    "state": {"en": "State", "zh": "客户状态"}, "strategy": {"en": "Strategy", "zh": "策略"},
    "sales_12m": {"en": "Won, last 12 months", "zh": "近 12 个月赢单额"},
    "sales_prior_12m": {"en": "Won, 12 months before", "zh": "前 12 个月赢单额"},
    "open_amount": {"en": "Open pipeline", "zh": "在谈商机金额"},
    "accounts": {"en": "Accounts", "zh": "客户数"},
    "presales_days": {"en": "Presales person-days", "zh": "售前人天"},
    "presales_cost": {"en": "Presales cost", "zh": "售前成本"}, "cost_share": {"en": "Cost ÷ amount", "zh": "成本占商机金额比"},
    "amount": {"en": "Amount", "zh": "商机金额"}, "opportunity_id": {"en": "Opportunity", "zh": "商机编号"},
    "owner": {"en": "Owner", "zh": "销售负责人"}, "grade": {"en": "Grade", "zh": "商机等级"},
    "outcome": {"en": "Outcome", "zh": "结果"},
}
PCT = ["cost_share"]


def _t(lang: str, en: str, zh: str) -> str:
    return zh if check_lang(lang) == "zh" else en


def _asof(asof: Any) -> pd.Timestamp:
    if asof is None or asof == "":
        raise ParameterError("asof is required (YYYY-MM-DD); crmcore never reads the clock.")
    return pd.Timestamp(asof).normalize()


def account_table(data: b2b.B2BData, *, asof: Any) -> pd.DataFrame:
    """One row per account with the comprehensive-score inputs.

    ``sales_2y``: won amount in the two years before ``asof``; ``potential_3y``: the open pipeline plus
    three times last year's won amount grown by its growth over the year before (growth clipped to 0–100 %:
    one lucky deal must not project a tenfold account);
    ``winnable``, ``deliverable``, ``demonstration``: hand scores 1–5 from the accounts table — 3 (neutral)
    when the data have none (then :func:`notes` says so).
    """
    a = _asof(asof)
    o = data.opportunities
    won = o[(o["outcome"] == "won") & (o["closed"] < a)]
    y1, y2 = a - pd.DateOffset(years=1), a - pd.DateOffset(years=2)
    last = won[won["closed"] >= y1].groupby("account_id")["amount"].sum()
    prior = won[(won["closed"] >= y2) & (won["closed"] < y1)].groupby("account_id")["amount"].sum()
    live = o[(o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))]
    ids = sorted(set(o.loc[o["created"] < a, "account_id"]))
    t = pd.DataFrame({"account_id": ids})
    t["sales_12m"] = t["account_id"].map(last).fillna(0.0)
    t["sales_prior_12m"] = t["account_id"].map(prior).fillna(0.0)
    t["sales_2y"] = t["sales_12m"] + t["sales_prior_12m"]
    t["open_amount"] = t["account_id"].map(live.groupby("account_id")["amount"].sum()).fillna(0.0)
    growth = np.where(t["sales_prior_12m"] > 0, t["sales_12m"] / t["sales_prior_12m"].where(t["sales_prior_12m"] > 0, 1)
                      - 1, 0.0)
    t["potential_3y"] = t["open_amount"] + 3 * t["sales_12m"] * (1 + np.clip(growth, 0, 1))
    hand = ("winnable", "deliverable", "demonstration")
    if data.has("accounts") and set(hand) <= set(data.accounts.columns):
        t = t.merge(data.accounts[["account_id", *hand]].astype({"account_id": str}), on="account_id", how="left")
        t[list(hand)] = t[list(hand)].fillna(3)
    else:
        for h in hand:
            t[h] = 3
    return t


@dataclass(frozen=True)
class KeyAccounts(Result):
    """Key accounts by the comprehensive score, with tiers and the 5–25 rule of thumb checked."""

    table: pd.DataFrame = field(repr=False)
    weights: dict = field(default_factory=dict)
    tiers: tuple = (60.0, 40.0)
    rule_of_thumb: tuple = RULE_OF_THUMB
    title = "key accounts (重点客户)"
    _conventions = ("tiers", "rule_of_thumb", "weights")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.table

    def counts(self) -> pd.Series:
        return self.table["tier"].value_counts().reindex(["A", "B", "C"], fill_value=0)

    def flagged(self) -> bool:
        """True when the tier-A count lies outside the 5–25 rule of thumb."""
        n = int(self.counts()["A"])
        return not (self.rule_of_thumb[0] <= n <= self.rule_of_thumb[1])

    def interpret(self, lang: str = "en") -> list[str]:
        c = self.counts()
        n, lo, hi = int(c["A"]), *self.rule_of_thumb
        top = self.table.iloc[0]
        s = [_t(lang, f"{n} of {len(self.table):,} accounts reach{'es' if n == 1 else ''} tier A (score ≥ {self.tiers[0]:g}), {int(c['B'])} tier "
                      f"B; the top account is {top['account_id']} ({top['score']:.1f} points).",
                f"{len(self.table):,} 个客户中有 {n} 个达到 A 类（综合积分 ≥ {self.tiers[0]:g}），B 类 {int(c['B'])} 个；"
                f"得分最高的是 {top['account_id']}（{top['score']:.1f} 分）。")]
        if n < lo:
            s.append(_t(lang, f"That is fewer than the {lo}–{hi} key accounts a sales team can manage: lower the tier-A "
                              "cut-off or look for accounts to develop.",
                        f"少于一个销售团队能够管理的 {lo}–{hi} 个重点客户：可以降低 A 类分界，或寻找值得培育的客户。"))
        elif n > hi:
            s.append(_t(lang, f"That is more than the {lo}–{hi} key accounts a sales team can give real attention: "
                              "raise the tier-A cut-off or split the list between teams.",
                        f"多于一个销售团队能真正照顾到的 {lo}–{hi} 个重点客户：提高 A 类分界，或把名单分给不同团队。"))
        else:
            s.append(_t(lang, f"That is within the {lo}–{hi} key accounts a sales team can manage.",
                        f"在一个销售团队能够管理的 {lo}–{hi} 个重点客户范围之内。"))
        return s


def identify(data: b2b.B2BData, *, asof: Any, tiers: tuple[float, float] = (60.0, 40.0),
             weights: Any = None) -> KeyAccounts:
    """Score every account with the comprehensive score (``customer_value.key_account_scores``) and tier it."""
    t = account_table(data, asof=asof)
    if t.empty:
        raise DataError("no account has an opportunity before asof; nothing to score.")
    res = key_account_scores(t, weights=weights, id_col="account_id", tiers=tiers)
    out = res.table[["account_id", "rank", "score", "tier"]].merge(
        t[["account_id", "sales_2y", "potential_3y", "sales_12m", "sales_prior_12m", "open_amount"]], on="account_id")
    return KeyAccounts(out, res.weights, tuple(tiers))


@dataclass(frozen=True)
class Evaluation(Result):
    """The monthly dynamic evaluation: importance, need–capability gap and closeness per account and month."""

    table: pd.DataFrame = field(repr=False)
    latest: pd.DataFrame = field(repr=False)
    title = "dynamic evaluation (动态评价)"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.latest

    def interpret(self, lang: str = "en") -> list[str]:
        t = self.latest
        falling = t[t["closeness_change"] <= -1].sort_values(["closeness_change", "account_id"])
        widening = t[t["gap_change"] >= 1]
        out = []
        if len(falling):
            names = (", " if lang == "en" else "、").join(falling["account_id"].head(5))
            out.append(_t(lang, f"Closeness fell by a point or more over three months at {len(falling)} "
                                f"account{'s' if len(falling) != 1 else ''} ({names}): visit them this month.",
                          f"有 {len(falling)} 个客户近三个月关系紧密度下降 1 分或以上（{names}）：本月安排拜访。"))
        else:
            out.append(_t(lang, "No reviewed account's closeness fell by a point or more over three months.",
                          "近三个月没有客户的关系紧密度下降 1 分或以上。"))
        if len(widening):
            out.append(_t(lang, f"The need–capability gap widened by a point or more at {len(widening)} "
                                f"account{'s' if len(widening) != 1 else ''}: check what we cannot deliver.",
                          f"有 {len(widening)} 个客户的需求–能力差距扩大 1 分或以上：核查我方哪些需求满足不了。"))
        return out

    def plot(self, ax=None, lang: str = "en", account: str | None = None):
        import matplotlib.pyplot as plt

        check_lang(lang)
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
        acc = account or self.latest.sort_values("closeness_change").iloc[0]["account_id"]
        t = self.table[self.table["account_id"] == acc]
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


def dynamic_evaluation(reviews: pd.DataFrame, keys: KeyAccounts) -> Evaluation:
    """Per reviewed account and month: importance (the comprehensive score), gap = need − capability
    (> 0: we fall short), closeness; ``closeness_change`` / ``gap_change``: last month minus three months before."""
    need = {"month", "account_id", "need", "capability", "closeness"}
    if not need <= set(reviews.columns):
        raise DataError(f"reviews need columns {', '.join(sorted(need))}; found {', '.join(reviews.columns)}.")
    r = reviews.copy()
    for c in ("need", "capability", "closeness"):
        r[c] = pd.to_numeric(r[c], errors="raise")
    r["gap"] = r["need"] - r["capability"]
    r = r.merge(keys.table[["account_id", "score", "tier"]].rename(columns={"score": "importance"}),
                on="account_id", how="left").sort_values(["account_id", "month"], ignore_index=True)
    g = r.groupby("account_id")
    r["closeness_change"] = r["closeness"] - g["closeness"].shift(3)
    r["gap_change"] = r["gap"] - g["gap"].shift(3)
    latest = r.groupby("account_id").tail(1).sort_values(["importance", "account_id"], ascending=[False, True],
                                                          ignore_index=True)
    cols = ["account_id", "tier", "importance", "need", "capability", "gap", "closeness", "closeness_change",
            "gap_change"]
    return Evaluation(r[["month", *cols]], latest[cols])


def account_states(keys: KeyAccounts, evaluation: Evaluation | None = None, *, lang: str = "en") -> pd.DataFrame:
    """State and strategy per account, by these rules in this order:

    1. no won sale in the two years and an open deal → acquire (获取);
    2. a won sale in the prior 12 months but none in the last 12 and no open deal → lost (已流失);
    3. closeness fell ≥ 1 point in three months, or the last 12 months' sales < half the 12 before → win back (待挽回);
    4. open pipeline larger than the last 12 months' sales → grow (提升); else → retain (维系).

    Accounts with neither sales in two years nor an open deal are left out (nothing to manage).
    """
    t = keys.table.copy()
    fall = pd.Series(False, index=t.index)
    if evaluation is not None:
        ch = t["account_id"].map(evaluation.latest.set_index("account_id")["closeness_change"])
        fall = ch.le(-1).fillna(False)
    state = np.select(
        [(t["sales_2y"] == 0) & (t["open_amount"] > 0),
         (t["sales_12m"] == 0) & (t["sales_prior_12m"] > 0) & (t["open_amount"] == 0),
         fall | (t["sales_12m"] < 0.5 * t["sales_prior_12m"]),
         t["open_amount"] > t["sales_12m"]],
        ["acquire", "lost", "win_back", "grow"], default="retain")
    t["state"] = state
    t = t[(t["sales_2y"] > 0) | (t["open_amount"] > 0)].copy()
    check_lang(lang)
    t["strategy"] = t["state"].map(lambda s: STRATEGIES[s][lang])
    t["state"] = t["state"].map(lambda s: STATE_LABELS[s][lang])
    return t[["account_id", "tier", "score", "sales_12m", "sales_prior_12m", "open_amount", "state", "strategy"]]


def state_summary(states: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Accounts per state (in the fixed order of the states) with their strategy."""
    order = [STATE_LABELS[s][lang] for s in STATES]
    g = states.groupby("state")
    t = pd.DataFrame({"accounts": g.size(), "sales_12m": g["sales_12m"].sum(), "open_amount": g["open_amount"].sum()})
    t = t.reindex(order, fill_value=0)
    t["strategy"] = [STRATEGIES[s][lang] for s in STATES]
    return t.rename_axis("state").reset_index()


def state_sentence(states: pd.DataFrame, lang: str = "en") -> str:
    """How many tier-A accounts need winning back (the naive "our key accounts are fine" is checked, not assumed)."""
    a = states[states["tier"] == "A"]
    wb = a[a["state"] == STATE_LABELS["win_back"][lang]]
    if a.empty:
        return _t(lang, "No account is tier A, so no key account is in the win-back state.",
                  "没有 A 类客户，因此也没有处于待挽回状态的重点客户。")
    if wb.empty and len(a) == 1:
        return _t(lang, f"The one tier-A account ({a['account_id'].iloc[0]}) is not in the win-back state.",
                  f"唯一的 A 类重点客户（{a['account_id'].iloc[0]}）不处于待挽回状态。")
    if wb.empty:
        return _t(lang, f"None of the {len(a)} tier-A accounts is in the win-back state.",
                  f"{len(a)} 个 A 类重点客户中没有处于待挽回状态的。")
    ids = (", " if lang == "en" else "、").join(wb["account_id"].head(5))
    return _t(lang, f"{len(wb)} of the {len(a)} tier-A accounts need winning back ({ids}). Strategy: "
                    f"{STRATEGIES['win_back']['en']}.",
              f"{len(a)} 个 A 类重点客户中有 {len(wb)} 个处于待挽回状态（{ids}）。对策：{STRATEGIES['win_back']['zh']}。")


def presales_by_account(opportunities: pd.DataFrame, *, rate: float, accounts: Sequence[str] | None = None
                        ) -> pd.DataFrame:
    """Presales resource cost (person-days × ``rate``) per opportunity of the given accounts, largest first."""
    from crmcore.sales.pipeline import presales_cost

    t = presales_cost(opportunities, rate=rate)
    if accounts is not None:
        t = t[t["account_id"].isin(list(accounts))]
    return t.sort_values(["presales_cost", "opportunity_id"], ascending=[False, True], ignore_index=True)


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


def relationship_sentence(contacts: pd.DataFrame, account_id: str, lang: str = "en") -> str:
    """Says whether our relationship with the account's most influential people is strong (≥ 4) — the naive
    "we know the account well" counts contacts, not the decision makers' relationship."""
    c = contacts[contacts["account_id"] == account_id]
    top = c[c["influence"] == c["influence"].max()]
    weak = top[top["relationship"] < 4]
    roles = lambda d: (", " if lang == "en" else "、").join(sorted({b2b.value(r, lang) for r in d["role"]}))  # noqa: E731
    if weak.empty:
        return _t(lang, f"At {account_id} our relationship with the most influential people ({roles(top)}) is strong "
                        "(4 or 5 of 5).",
                  f"在 {account_id}，我方与影响力最大的人（{roles(top)}）关系牢固（5 分制 4 分以上）。")
    return _t(lang, f"At {account_id} we know {len(c)} people, but our relationship with {len(weak)} of the most "
                    f"influential ({roles(weak)}) is below 4 of 5: plan a meeting at that level.",
              f"在 {account_id}，我方认识 {len(c)} 个人，但与影响力最大的人中的 {len(weak)} 位（{roles(weak)}）关系不到 "
              "4 分：安排与这一层级的会面。")


def notes(data: b2b.B2BData, lang: str = "en") -> list[str]:
    """What the data cannot support in the key-account report, each only when it applies."""
    out = []
    hand = {"winnable", "deliverable", "demonstration"}
    if not (data.has("accounts") and hand <= set(data.accounts.columns)):
        out.append(_t(lang, "The data have no hand scores (can we win, can we deliver, demonstration effect): every "
                            "account gets the neutral 3 of 5, so only sales and potential separate the accounts.",
                      "数据中没有人工评分（能否赢得、能否满足、示范效应）：所有客户一律按中性的 3 分计，只有销售额和潜力"
                      "拉开差距。"))
    if not data.has("reviews"):
        out.append(_t(lang, "The data have no monthly account reviews: the dynamic evaluation and the closeness trend "
                            "are left out, and states follow sales and pipeline only.",
                      "数据中没有月度客户评价：本报告不含动态评价和关系紧密度趋势，客户状态只按销售额和在谈商机判断。"))
    o = data.opportunities
    live = o[o["outcome"] == "open"]
    if len(live) and (live["amount"] == 0).all():
        out.append(_t(lang, "Open deals carry no amount in the data: no account can be told to be in the acquire or "
                            "grow state from its pipeline.",
                      "数据中进行中的商机没有金额：无法根据在谈商机把客户判为“获取”或“提升”状态。"))
    if not data.has("contacts"):
        out.append(_t(lang, "The data have no contacts: no relationship map can be drawn.",
                      "数据中没有联系人：无法绘制关系图。"))
    if "presales_days" not in data.opportunities.columns:
        out.append(_t(lang, "The data record no presales person-days: presales cost is left out.",
                      "数据中没有记录售前人天：本报告不含售前成本。"))
    return out
