"""Words of crmcore.churn: the en/zh catalogues and the sentences of the churn warning.

Catalogues (:class:`crmcore.labels.Catalogue`): ``churn.labels`` (headers, axis labels, model names),
``churn.features`` (what each model feature means), ``churn.actions`` (the suggested action by value tier
and stage), ``churn.dormancy_columns`` and ``churn.study_columns`` (table headers). The functions are the
sentences of notebook 10 and of :meth:`ChurnStudy.interpret <crmcore.churn.ChurnStudy.interpret>`: each
reads the numbers it states. The method module imports this module, never the other way round.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import pandas as pd

from crmcore import engine
from crmcore.customer.churn_data import ACTIVE_STAGES
from crmcore.labels import Catalogue, check_lang, text

if TYPE_CHECKING:
    from crmcore.customer.churn import ChurnStudy

LABELS = Catalogue("churn.labels", {
    "churn_probability": {"en": "churn probability", "zh": "流失概率"},
    "threshold": {"en": "warning line (probability)", "zh": "预警线（概率）"},
    "error_rate": {"en": "error rate = 1 − precision", "zh": "错误率 = 1 − 精确率"},
    "miss_rate": {"en": "miss rate = 1 − recall", "zh": "遗漏率 = 1 − 召回率"},
    "warned_share": {"en": "share of customers warned", "zh": "预警客户占比"},
    "sweep_title": {"en": "Warning too often vs missing churners", "zh": "误报与遗漏的权衡"},
    "decile": {"en": "decile (1 = highest risk)", "zh": "十分位（1 = 风险最高）"},
    "lift": {"en": "lift", "zh": "提升度"},
    "lift_title": {"en": "Churn rate by score decile", "zh": "各十分位流失率"},
    "logistic": {"en": "logistic regression (scaled)", "zh": "逻辑回归（标准化）"},
    "boosting": {"en": "gradient boosting", "zh": "梯度提升"},
    "revenue_at_risk": {"en": "revenue at risk", "zh": "风险销售额"},
    "action": {"en": "suggested action", "zh": "建议动作"},
    "recency": {"en": "recency alone (baseline)", "zh": "仅按最近一次消费（基准）"},
    "warned": {"en": "customers flagged", "zh": "预警客户数"},
    "model": {"en": "model", "zh": "模型"},
    "feature": {"en": "feature", "zh": "特征"},
    "meaning": {"en": "meaning (as of the cut-off)", "zh": "含义（截至切分日）"},
    "importance": {"en": "AUC drop when shuffled", "zh": "打乱后 AUC 下降"},
    "importance_sd": {"en": "standard deviation", "zh": "标准差"},
    "importance_title": {"en": "Which features the warning relies on (permutation importance)",
                         "zh": "预警模型依赖哪些特征（置换重要性）"},
    "value_tier": {"en": "value tier", "zh": "价值层级"},
    "high": {"en": "high", "zh": "高"},
    "low": {"en": "low", "zh": "低"},
    "stage": {"en": "lifecycle stage", "zh": "生命周期阶段"},
    "recency_days": {"en": "days since last purchase", "zh": "距最近一次消费天数"},
    "rhythm_days": {"en": "usual gap (days)", "zh": "购买节奏（天）"},
    "revenue_365": {"en": "revenue, last 365 days", "zh": "近365天消费金额"},
    "revenue": {"en": "revenue before asof", "zh": "累计消费金额"},
    "last_purchase": {"en": "last purchase", "zh": "最近一次消费日期"},
    "customer_id": {"en": "customer", "zh": "客户"},
    "split": {"en": "cut-off", "zh": "切分"},
    "train": {"en": "training", "zh": "训练"},
    "test": {"en": "test", "zh": "检验"},
    "date": {"en": "cut-off date", "zh": "切分日"},
    "active_customers": {"en": "active customers", "zh": "活跃客户数"},
    "churn_rate": {"en": "churn rate in the next window", "zh": "下一窗口流失率"},
    "tp": {"en": "flagged, churned (TP)", "zh": "预警且流失（TP）"},
    "fp": {"en": "flagged, stayed (FP)", "zh": "预警但未流失（FP）"},
    "fn": {"en": "churned, not flagged (FN)", "zh": "流失但未预警（FN）"},
    "tn": {"en": "not flagged, stayed (TN)", "zh": "未预警且未流失（TN）"},
    "precision": {"en": "precision", "zh": "精确率"},
    "recall": {"en": "recall", "zh": "召回率"},
    "accuracy": {"en": "accuracy", "zh": "准确率"},
    "roc_auc": {"en": "ROC AUC", "zh": "ROC AUC"},
    "rule": {"en": "warning rule", "zh": "预警规则"},
    "measure": {"en": "measure", "zh": "指标"},
    "value": {"en": "value", "zh": "数值"},
    "state_name": {"en": "dormancy state", "zh": "沉睡状态"},
    "annual_revenue": {"en": "revenue per year", "zh": "年化销售额"},
})

_DORMANCY_RISK = Catalogue("churn.dormancy_columns", {
    "annual_revenue_at_risk": {"en": "revenue per year at risk", "zh": "年化风险销售额"}})
#: headers of the dormancy summary table shown in notebook 10
DORMANCY_COLUMNS = {**{k: LABELS[k] for k in ("state_name", "annual_revenue")}, **_DORMANCY_RISK}

#: what each feature means (window = ``window_days``, 90 by default), in both languages
FEATURE_LABELS = Catalogue("churn.features", {
    "recency_days": {"en": "days since the last purchase (最近一次消费)", "zh": "距最近一次消费的天数"},
    "tenure_days": {"en": "days since the first purchase", "zh": "距首次消费的天数（客户年龄）"},
    "purchase_days": {"en": "number of days with a purchase (frequency)", "zh": "有消费的天数（消费频率）"},
    "orders": {"en": "number of orders", "zh": "订单数"},
    "revenue": {"en": "total spend (monetary)", "zh": "累计消费金额"},
    "avg_day_revenue": {"en": "spend per purchase day", "zh": "每个消费日的平均金额"},
    "max_order_value": {"en": "largest single order", "zh": "最大单笔订单金额"},
    "revenue_last": {"en": "spend in the last window", "zh": "最近一个窗口的消费金额"},
    "revenue_prev": {"en": "spend in the window before", "zh": "前一个窗口的消费金额"},
    "days_last": {"en": "purchase days in the last window", "zh": "最近一个窗口的消费天数"},
    "days_prev": {"en": "purchase days in the window before", "zh": "前一个窗口的消费天数"},
    "trend": {"en": "spend trend (last − previous) ÷ (last + previous), −1 to 1",
              "zh": "消费趋势 =（近窗口 − 前窗口）÷（近窗口 + 前窗口），取值 −1 到 1"},
    "rhythm_days": {"en": "usual gap between purchase days (median)", "zh": "购买节奏：相邻消费日间隔的中位数"},
    "recency_ratio": {"en": "days since the last purchase ÷ usual gap", "zh": "距最近一次消费天数 ÷ 购买节奏"},
    "revenue_365": {"en": "spend in the last 365 days", "zh": "近365天消费金额"},
    "promo_share": {"en": "share of spend on promotion items (特价商品消费占比)", "zh": "特价商品消费占比"},
    "high_price_share": {"en": "share of spend on high-price items (高单价商品消费占比)", "zh": "高单价商品消费占比"},
})

#: suggested win-back action by value tier and lifecycle stage ("high/declining" …; high value = an "important"
#: RFM segment, i.e. monetary value high, when segments are given; else revenue_365 ≥ median of the list)
ACTION_WORDS = Catalogue("churn.actions", {
    "high/declining": {"en": "account manager calls within a week; service review; tailored offer",
                       "zh": "客户经理一周内致电；服务回顾；定制优惠"},
    "high/lapsed": {"en": "personal win-back offer on their top category; ask why they stopped",
                    "zh": "针对其主力品类的专属唤醒优惠；了解停购原因"},
    "high/lost": {"en": "win-back call with a strong personal offer; record the exit reason",
                  "zh": "挽回电话并给予有力的专属优惠；记录流失原因"},
    "low/lost": {"en": "one low-cost win-back message; stop if no response", "zh": "一次低成本挽回触达；无响应即停止"},
    "high/other": {"en": "loyalty benefit and check-in call before the next purchase is due",
                   "zh": "在下次应购前给予会员权益并回访"},
    "low/declining": {"en": "automated reminder with a modest coupon", "zh": "自动提醒并附小额优惠券"},
    "low/lapsed": {"en": "low-cost reactivation e-mail / message series", "zh": "低成本唤醒短信/邮件序列"},
    "low/other": {"en": "newsletter and bundle offer", "zh": "资讯推送与组合优惠"},
})
#: the same actions by (tier, stage): ``ACTIONS[("high", "declining")]["zh"]``
ACTIONS: dict[tuple[str, str], Mapping[str, str]] = {tuple(k.split("/")): v for k, v in ACTION_WORDS.items()}

#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
STUDY_COLUMNS = Catalogue("churn.study_columns", {
    "top_decile_lift": {"en": "Lift in the top 10%", "zh": "前 10% 提升度"},
    "base_rate": {"en": "Churn rate (all)", "zh": "整体流失率"},
})

#: headers of the exported and shown lists
LIST_COLUMNS = {k: LABELS[k] for k in ("customer_id", "stage", "churn_probability", "recency_days", "rhythm_days",
                                       "revenue_365", "revenue", "revenue_at_risk", "value_tier", "action")}


def summary(s: "ChurnStudy", rule: str = "budget:200", *, lang: str = "en", model: str | None = None) -> list[str]:
    """Sentences on the time split and on the model against recency alone at the line set by ``rule``.

    Says "beats recency alone" only when both the error rate and the miss rate are lower; names the
    rate on which it does not otherwise."""
    check_lang(lang)
    model = model or s.best_model()
    v = s.versus_baseline(rule, model=model).set_index("model")
    m, b = v.loc[model], v.loc["recency"]
    n, base, k = len(s.test), float(s.test["churned"].mean()), int(m["warned"])
    better_e, better_m = m["error_rate"] < b["error_rate"], m["miss_rate"] < b["miss_rate"]
    name = text(model, lang, LABELS)
    if k >= n:
        return [*_split_sentence(s, n, base, lang),
                (f"规则「{rule}」覆盖了全部 {n:,} 位活跃客户，人人都被预警，错误率就是未流失客户的比例（{m['error_rate']:.1%}），"
                 "无法与基准比较；请用更小的预算或更高的预警线。" if lang == "zh" else
                 f"Rule '{rule}' covers all {n:,} active customers: everyone is flagged, the error rate is simply the "
                 f"share who stayed ({m['error_rate']:.1%}), and the model cannot be compared with the baseline; use a "
                 "smaller budget or a higher line.")]
    if lang == "zh":
        out = [*_split_sentence(s, n, base, lang),
               f"按规则「{rule}」预警 {k:,} 位客户：所选模型{name}的错误率为 {m['error_rate']:.1%}，遗漏率为 {m['miss_rate']:.1%}；"
               f"只按最近一次消费天数预警同样人数，错误率为 {b['error_rate']:.1%}，遗漏率为 {b['miss_rate']:.1%}。"]
        if better_e and better_m:
            out.append("两项指标都低于基准，模型比单看最近一次消费更能提前发现流失。")
        else:
            worse = "、".join(w for w, ok in (("错误率", better_e), ("遗漏率", better_m)) if not ok)
            out.append(f"模型的{worse}并不低于基准，在这份数据上它没有比单看最近一次消费更好。")
        return out
    out = [*_split_sentence(s, n, base, lang),
           f"At the line set by rule '{rule}' the chosen model, {name}, flags {k:,} customers with an error rate of "
           f"{m['error_rate']:.1%} and a miss rate of {m['miss_rate']:.1%}; recency alone, flagging as many, has "
           f"{b['error_rate']:.1%} and {b['miss_rate']:.1%}."]
    if better_e and better_m:
        out.append("Both rates are lower than the baseline's: the model finds future churners earlier than "
                   "sorting by days since the last purchase.")
    else:
        worse = " and ".join(w for w, ok in (("error rate", better_e), ("miss rate", better_m)) if not ok)
        verb = "are" if " and " in worse else "is"
        out.append(f"The model's {worse} {verb} not lower than the baseline's: on these data it does not beat "
                   "sorting by days since the last purchase.")
    return out


def warning_summary(w: pd.DataFrame, scored: pd.DataFrame, *, asof: Any, active_days: int | None = 365,
                    lang: str = "en") -> str:
    """One sentence on the warning list: how many of the active customers, their stages, revenue at risk.

    The pool is the scored customers: active by the lifecycle rules and (as in training) with a
    purchase in the last ``active_days`` days, which the sentence says, so it matches the stage table."""
    check_lang(lang)
    a = engine.check_asof(asof)
    n, pool = len(w), int(scored["stage"].isin(ACTIVE_STAGES).sum())
    within_en = f" with a purchase in the last {int(active_days)} days" if active_days else ""
    within_zh = f"（近 {int(active_days)} 天内有购买）" if active_days else ""
    if n == 0:
        return (f"截至 {a:%Y-%m-%d}，{pool:,} 位活跃客户{within_zh}中没有人达到预警线。" if lang == "zh" else
                f"As of {a:%Y-%m-%d}, none of the {pool:,} active customers{within_en} is at or above the warning line.")
    gone = int((~w["stage"].isin(ACTIVE_STAGES)).sum())
    counts = w["stage"].value_counts()
    order = [st for st in ACTIVE_STAGES if st in counts.index]
    risk = float(w["revenue_at_risk"].sum())
    if lang == "zh":
        parts = "、".join(f"{_stage_name(st, 'zh')} {int(counts[st]):,} 位" for st in order)
        head = f"截至 {a:%Y-%m-%d}，流失预警名单从 {pool:,} 位活跃客户{within_zh}中选出 {n:,} 位" + \
               ("（预警线覆盖了全部活跃客户，名单没有筛选作用）" if n >= pool else "") + \
               ("，全部仍处于活跃阶段" if gone == 0 else f"，其中 {gone:,} 位已不活跃")
        return f"{head}（{parts}），风险销售额合计 {risk:,.0f}，应在他们停购之前联系。"
    parts = ", ".join(f"{int(counts[st]):,} {_stage_name(st, 'en')}" for st in order)
    head = f"As of {a:%Y-%m-%d} the churn warning flags {n:,} of the {pool:,} active customers{within_en}" + \
           (" (the line covers every active customer, so the list does not select)" if n >= pool else "") + \
           (", all still active" if gone == 0 else f", {gone:,} of them no longer active")
    return f"{head} ({parts}), with {risk:,.0f} of revenue at risk; call them before they stop buying."


def winback_summary(w: pd.DataFrame, *, total: int | None = None, lang: str = "en") -> str:
    """One sentence on the win-back list: already gone, not a warning; how much value the top of it holds."""
    check_lang(lang)
    n = len(w)
    total = n if total is None else int(total)
    if n == 0:
        return "没有已休眠或已流失的客户，无需挽回名单。" if lang == "zh" else \
            "No customer is lapsed or lost, so there is no win-back list."
    lost = int((w["stage"] == "lost").sum())
    value = float(w["revenue"].sum())
    if lang == "zh":
        return (f"另有 {total:,} 位客户已休眠或流失，不属于预警对象；挽回名单按累计消费金额列出前 {n:,} 位"
                f"（其中流失 {lost:,} 位），他们过去共消费 {value:,.0f}。")
    return (f"Another {total:,} customers are already lapsed or lost and are not part of the warning; the "
            f"win-back list ranks the {n:,} most valuable of them (of whom {lost:,} lost), who spent {value:,.0f} "
            "before they stopped.")


def files_sentence(paths: Sequence[Any], *, lang: str = "en") -> str:
    """Where the lists were written (file names only)."""
    check_lang(lang)
    names = ", ".join(Path(p).name for p in paths)
    return f"名单已导出：{names}。" if lang == "zh" else f"The lists are written to: {names}."


# ---------------------------------------------------------------- helpers
def _split_sentence(s: "ChurnStudy", n: int, base: float, lang: str) -> list[str]:
    if lang == "zh":
        return [f"模型在 {s.train_cutoff:%Y-%m-%d} 训练、在 {s.test_cutoff:%Y-%m-%d} 检验，只看检验日仍活跃的 {n:,} 位客户"
                f"（按生命周期规则尚未休眠或流失）；其中 {base:.1%} 在随后 {s.horizon} 天内没有再购买，即流失。"]
    return [f"Trained at {s.train_cutoff:%Y-%m-%d} and tested at {s.test_cutoff:%Y-%m-%d} on the {n:,} customers "
            f"still active at the test cut-off (not lapsed or lost by the lifecycle rules); {base:.1%} of them made "
            f"no purchase in the next {s.horizon} days (churned)."]


def _stage_name(stage: str, lang: str) -> str:
    from crmcore.customer.lifecycle import LABELS as STAGE_LABELS

    return text(stage, lang, STAGE_LABELS)
