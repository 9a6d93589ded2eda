"""The words of crmcore.key_accounts (catalogues in en / zh) and the report sentences built from its tables."""
from __future__ import annotations

import pandas as pd

from crmcore.door import b2b
from crmcore.labels import Catalogue, check_lang

#: the account states (客户状态) …
STATE_LABELS = Catalogue("key_accounts.state", {
    "acquire": {"en": "acquire", "zh": "获取"}, "grow": {"en": "grow", "zh": "提升"},
    "retain": {"en": "retain", "zh": "维系"}, "win_back": {"en": "win back", "zh": "待挽回"},
    "lost": {"en": "lost", "zh": "已流失"},
})
#: … and the strategy for each
STRATEGIES = Catalogue("key_accounts.strategy", {
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
})
#: readable headers of the key-account tables
COLUMNS = Catalogue("key_accounts.columns", {
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
})
PCT = ["cost_share"]


def _t(lang: str, en: str, zh: str) -> str:
    return zh if check_lang(lang) == "zh" else en


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
