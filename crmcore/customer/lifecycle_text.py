"""The words of the customer lifecycle in English and Chinese: catalogues and the generated sentences.

Stage names, chart labels, report headers, the stage playbook (goal, roles, key actions) and the steps of
the B2B journey, as :class:`crmcore.labels.Catalogue` tables; and the sentences of
:func:`crmcore.customer.lifecycle.summary` and ``StageHistory.interpret``, which are handed the numbers.
:mod:`crmcore.customer.lifecycle` imports this module, never the other way round.
"""
from __future__ import annotations

import pandas as pd

from crmcore.labels import Catalogue, text

#: stage names and the words of the tables and charts
LABELS = Catalogue("lifecycle.labels", {
    "new": {"en": "new", "zh": "新客"},
    "growing": {"en": "growing", "zh": "成长"},
    "mature": {"en": "mature (steady)", "zh": "成熟（稳定）"},
    "declining": {"en": "declining (pre-churn)", "zh": "衰退（预流失）"},
    "won_back": {"en": "won back", "zh": "赢回（回流）"},
    "lapsed": {"en": "lapsed (dormant)", "zh": "休眠（沉睡）"},
    "lost": {"en": "lost", "zh": "流失"},
    "none": {"en": "(not yet a customer)", "zh": "（尚未成为客户）"},
    "stage": {"en": "stage", "zh": "生命周期阶段"},
    "from": {"en": "from stage", "zh": "原阶段"},
    "to": {"en": "to stage", "zh": "新阶段"},
    "goal": {"en": "goal", "zh": "目标"},
    "roles": {"en": "roles", "zh": "负责角色"},
    "actions": {"en": "key actions", "zh": "关键动作"},
    "b2b": {"en": "B2B journey", "zh": "B2B 客户旅程"},
    "revenue_window": {"en": "revenue, last 365 days", "zh": "近365天销售额"},
    "stage_counts": {"en": "Customers by lifecycle stage, month by month", "zh": "各月末生命周期阶段客户数"},
    "flows_title": {"en": "Moves between stages (all months)", "zh": "阶段间迁移（各月合计）"},
})

#: report headers of ``StageResult.counts`` (pass as ``crm.show(..., columns=lifecycle.COLUMN_LABELS)``)
COLUMN_LABELS = Catalogue("lifecycle.columns", {
    "stage": LABELS["stage"], "customers": {"en": "customers", "zh": "客户数"},
    "revenue_365": LABELS["revenue_window"], "share": {"en": "share of customers", "zh": "客户占比"},
    "revenue_share": {"en": "share of revenue, last 365 days", "zh": "近365天销售额占比"},
})

#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
RESULT_COLUMNS = Catalogue("lifecycle.result_columns", {
    "purchase_days": {"en": "Purchase days", "zh": "购买天数"},
    "rhythm_days": {"en": "Usual days between purchases", "zh": "常规购买间隔（天）"},
    "recency_days": {"en": "Days since the last purchase", "zh": "距最近一次购买天数"},
    "recency_ratio": {"en": "Recency ÷ usual interval", "zh": "沉默天数 ÷ 常规间隔"},
    "last_gap_days": {"en": "Last gap (days)", "zh": "最近一次间隔（天）"},
    "return_gap_days": {"en": "Gap before the return (days)", "zh": "回流前的间隔（天）"},
    "revenue_last": {"en": "Revenue, last window", "zh": "最近窗口销售额"},
    "revenue_prev": {"en": "Revenue, window before", "zh": "上一窗口销售额"},
    "median_gap": {"en": "Median gap (days)", "zh": "间隔中位数（天）"},
    "prior_gap": {"en": "Usual gap before the window (days)", "zh": "窗口前的常规间隔（天）"},
})

# the stage playbook, one catalogue per field: the B2B account journey step (签约 → 启动 → 成长 → 成熟 →
# 预流失 → 续费 → 流失) each stage corresponds to, the goal, the roles and the key actions

#: the B2B journey step(s) a stage shows
PLAYBOOK_B2B = Catalogue("lifecycle.playbook_b2b", {
    "new": {"en": "signing, kick-off", "zh": "签约、启动"},
    "growing": {"en": "growth", "zh": "成长"},
    "mature": {"en": "maturity, renewal", "zh": "成熟、续费"},
    "declining": {"en": "pre-churn warning", "zh": "预流失"},
    "won_back": {"en": "renewal after a break", "zh": "续费（回流）"},
    "lapsed": {"en": "pre-churn (late)", "zh": "预流失（后期）"},
    "lost": {"en": "churn", "zh": "流失"},
})

#: the goal of each stage
PLAYBOOK_GOAL = Catalogue("lifecycle.playbook_goal", {
    "new": {"en": "turn a first purchase into a second one; make the start smooth", "zh": "促成第二次购买，让客户顺利上手"},
    "growing": {"en": "widen the relationship: more categories, larger orders", "zh": "扩大合作：更多品类、更大订单"},
    "mature": {"en": "keep share of wallet and renew on time", "zh": "保持钱包份额，按时续约"},
    "declining": {"en": "find the reason before the customer leaves", "zh": "在客户离开前找到原因"},
    "won_back": {"en": "make the return stick", "zh": "巩固回流，防止再次流失"},
    "lapsed": {"en": "wake the customer with a behaviour-based offer", "zh": "用基于行为的方案唤醒客户"},
    "lost": {"en": "learn why; win back only those worth the cost", "zh": "了解流失原因，只挽回值得挽回的客户"},
})

#: who acts in each stage
PLAYBOOK_ROLES = Catalogue("lifecycle.playbook_roles", {
    "new": {"en": "sales, onboarding / customer success", "zh": "销售、客户成功（实施/启动）"},
    "growing": {"en": "account manager, marketing", "zh": "客户经理、市场"},
    "mature": {"en": "account manager, service", "zh": "客户经理、客服"},
    "declining": {"en": "account manager, customer success, product", "zh": "客户经理、客户成功、产品"},
    "won_back": {"en": "customer success, marketing", "zh": "客户成功、市场"},
    "lapsed": {"en": "CRM / marketing automation, sales", "zh": "CRM/营销自动化、销售"},
    "lost": {"en": "marketing, management (churn review)", "zh": "市场、管理层（流失复盘）"},
})

#: the key actions of each stage
PLAYBOOK_ACTIONS = Catalogue("lifecycle.playbook_actions", {
    "new": {"en": "welcome contact, first-use help, a reason to come back within one rhythm",
            "zh": "欢迎回访、使用指导、在一个购买周期内给出复购理由"},
    "growing": {"en": "cross-sell and up-sell on what they already buy; volume offers", "zh": "基于已购品类交叉销售和向上销售；阶梯优惠"},
    "mature": {"en": "loyalty benefits, service reviews, renew before the term ends", "zh": "会员权益、定期服务回顾、到期前提前续约"},
    "declining": {"en": "call or visit, ask what changed, fix the service issue, targeted offer",
                  "zh": "电话或拜访、了解变化、解决服务问题、定向优惠"},
    "won_back": {"en": "thank-you contact, check what brought them back, close follow-up for two rhythms",
                 "zh": "致谢回访、了解回流原因、两个购买周期内密切跟进"},
    "lapsed": {"en": "reactivation offer on their favourite category, reminder of their last order",
               "zh": "针对偏好品类的唤醒优惠、提醒上次购买"},
    "lost": {"en": "exit survey, win-back campaign for high-value accounts, otherwise low-cost newsletters",
             "zh": "流失调研；高价值客户做挽回活动，其余低成本触达"},
})

#: the steps of the B2B account journey as the CRM 3.0 course material gives them (签约 → 启动 → 成长 → 成熟 →
#: 预流失 → 续费 → 流失), in order
B2B_STEPS = Catalogue("lifecycle.b2b_steps", {
    "signing": {"en": "signing", "zh": "签约"},
    "kick-off": {"en": "kick-off", "zh": "启动"},
    "growth": {"en": "growth", "zh": "成长"},
    "maturity": {"en": "maturity", "zh": "成熟"},
    "pre-churn": {"en": "pre-churn", "zh": "预流失"},
    "renewal": {"en": "renewal", "zh": "续费"},
    "churn": {"en": "churn", "zh": "流失"},
})


# ------------------------------------------------------------------ sentences
def summary_text(asof: pd.Timestamp, *, n: int, active: int, gone: int, top: str, top_n: int, top_share: float,
                 dec_n: int, dec_rev: float, dec_share: float, grow: int, lang: str = "en") -> str:
    """The stage counts in words: active vs gone, the largest stage ``top``, the declining customers."""
    if lang == "zh":
        return (f"截至 {asof:%Y-%m-%d}，{n:,} 位客户中仍活跃的有 {active:,} 位，已休眠或流失的有 {gone:,} 位；"
                f"人数最多的阶段是「{text(top, 'zh', LABELS)}」（{top_n:,} 位，{top_share:.1%}）。"
                f"活跃客户中处于衰退（预流失）阶段的有 {dec_n:,} 位，近365天贡献销售额 {dec_rev:,.0f}（{dec_share:.1%}），"
                f"是流失预警要盯住的人；新客、成长和赢回客户共 {grow:,} 位。")
    return (f"As of {asof:%Y-%m-%d}, {active:,} of the {n:,} customers are still active and {gone:,} have "
            f"lapsed or are lost; the largest stage is '{text(top, 'en', LABELS)}' ({top_n:,}, {top_share:.1%}). "
            f"{dec_n:,} active customers are declining (pre-churn); they brought {dec_rev:,.0f} ({dec_share:.1%}) "
            f"of the last 365 days' revenue and are whom the churn warning watches. "
            f"{grow:,} customers are new, growing or won back.")


def history_sentences(first: str, last: str, months: int, top: str, n_top: int, moved: float | None,
                      lang: str = "en") -> list[str]:
    """StageHistory.interpret: the ``months`` month ends from ``first`` to ``last``, the largest stage ``top`` at
    the last one, and the mean share of customers who move per month (``None``: one month only)."""
    stage = text(top, lang, LABELS)
    if lang == "zh":
        out = [f"在 {first} 至 {last} 的 {months} 个月末划分了客户生命周期阶段；最后一个月末人数最多的阶段是"
               f"“{stage}”（{n_top:,} 位客户）。"]
        if moved is not None:
            out.append(f"平均每月有 {moved:.1%} 的老客户从一个阶段进入另一个阶段。")
        return out
    out = [f"Lifecycle stages were taken at {months} month ends from {first} to {last}; at the last one the "
           f"largest stage is {stage} ({n_top:,} customers)."]
    if moved is not None:
        out.append(f"On average {moved:.1%} of existing customers move to another stage each month.")
    return out
