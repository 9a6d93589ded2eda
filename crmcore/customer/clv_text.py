"""The words of crmcore.clv (catalogues in en / zh) and the sentences for its results, each true on the numbers it reads."""
from __future__ import annotations

import math

import numpy as np

from crmcore.labels import Catalogue, check_lang

#: time units, model names
TEXT = Catalogue("clv.text", {
    "days": {"en": "days", "zh": "天"}, "weeks": {"en": "weeks", "zh": "周"}, "months": {"en": "months", "zh": "月"},
    "periods": {"en": "periods", "zh": "期"},
    "day": {"en": "day", "zh": "天"}, "week": {"en": "week", "zh": "周"}, "month": {"en": "month", "zh": "月"},
    "period": {"en": "period", "zh": "期"},
    "bgnbd": {"en": "BG/NBD", "zh": "BG/NBD"}, "pareto_nbd": {"en": "Pareto/NBD", "zh": "Pareto/NBD"},
    "gamma_gamma": {"en": "Gamma-Gamma", "zh": "Gamma-Gamma"}, "sbg": {"en": "shifted beta-geometric (sBG)",
                                                                  "zh": "移位贝塔几何模型（sBG）"},
})
#: the meaning of each model's parameters, keyed "model:parameter"
MEANING = Catalogue("clv.meaning", {
    "bgnbd:r": {"en": "shape of the purchase rates (Gamma)", "zh": "购买率分布（伽马分布）的形状参数"},
    "bgnbd:alpha": {"en": "scale of the purchase rates (Gamma)", "zh": "购买率分布（伽马分布）的尺度参数"},
    "bgnbd:a": {"en": "dropout probability, Beta a", "zh": "流失概率分布（贝塔分布）参数 a"},
    "bgnbd:b": {"en": "dropout probability, Beta b", "zh": "流失概率分布（贝塔分布）参数 b"},
    "pareto_nbd:r": {"en": "shape of the purchase rates (Gamma)", "zh": "购买率分布（伽马分布）的形状参数"},
    "pareto_nbd:alpha": {"en": "scale of the purchase rates (Gamma)", "zh": "购买率分布（伽马分布）的尺度参数"},
    "pareto_nbd:s": {"en": "shape of the dropout rates (Gamma)", "zh": "流失率分布（伽马分布）的形状参数"},
    "pareto_nbd:beta": {"en": "scale of the dropout rates (Gamma)", "zh": "流失率分布（伽马分布）的尺度参数"},
    "gamma_gamma:p": {"en": "shape of the spend per purchase", "zh": "单次消费金额分布的形状参数"},
    "gamma_gamma:q": {"en": "shape of the customers' spend scales", "zh": "客户消费水平分布的形状参数"},
    "gamma_gamma:gamma": {"en": "scale of the customers' spend scales", "zh": "客户消费水平分布的尺度参数"},
    "sbg:alpha": {"en": "churn probability, Beta alpha", "zh": "流失概率分布（贝塔分布）参数 α"},
    "sbg:beta": {"en": "churn probability, Beta beta", "zh": "流失概率分布（贝塔分布）参数 β"},
})
#: readable headers of every clv table (results.py finds them through clv.COLUMNS and the classes' _columns)
COLUMNS = Catalogue("clv.columns", {
    "parameter": {"en": "Parameter", "zh": "参数"}, "estimate": {"en": "Estimate", "zh": "估计值"},
    "se": {"en": "Standard error", "zh": "标准误"}, "meaning": {"en": "Meaning", "zh": "含义"},
    "frequency": {"en": "Repeat purchases", "zh": "重复购买次数"}, "recency": {"en": "Recency (first→last)",
                                                                          "zh": "首末购间隔"},
    "T": {"en": "Age (first→asof)", "zh": "客龄"}, "monetary_value": {"en": "Mean repeat spend",
                                                                   "zh": "重复购买平均金额"},
    "p_alive": {"en": "P(alive)", "zh": "存活概率"},
    "expected_purchases": {"en": "Expected purchases", "zh": "预期购买次数"},
    "expected_spend": {"en": "Expected spend per purchase", "zh": "预期单次消费金额"},
    "clv": {"en": "CLV", "zh": "客户终身价值"}, "clv_low": {"en": "CLV low", "zh": "客户终身价值下限"},
    "clv_high": {"en": "CLV high", "zh": "客户终身价值上限"},
    "historical_value": {"en": "Historical value", "zh": "历史价值"},
    "current_value": {"en": "Current value", "zh": "当前价值"}, "future_value": {"en": "Future value", "zh": "未来价值"},
    "future_value_low": {"en": "Future value, 5%", "zh": "未来价值 5% 分位"},
    "future_value_high": {"en": "Future value, 95%", "zh": "未来价值 95% 分位"},
    "value_segment": {"en": "Value segment", "zh": "价值分群"}, "action": {"en": "Action", "zh": "建议措施"},
    "predicted": {"en": "Predicted", "zh": "预测"}, "actual": {"en": "Actual", "zh": "实际"},
    "calibration_frequency": {"en": "Repeat purchases (calibration)", "zh": "校准期重复购买次数"},
    "customers": {"en": "Customers", "zh": "客户数"}, "week": {"en": "Week", "zh": "周"},
    "survival": {"en": "Survival", "zh": "留存比例"}, "retention": {"en": "Retention rate", "zh": "续约率"},
    "period": {"en": "Period", "zh": "期"}, "true_type": {"en": "True type", "zh": "真实类型"},
    "share_of_future_value": {"en": "Share of future value", "zh": "未来价值占比"},
    "share_of_historical_value": {"en": "Share of historical value", "zh": "历史价值占比"},
})
#: the headers of clv.p_alive_by_group
GROUP_COLUMNS = Catalogue("clv.group_columns", {
    "repeat_buyers": {"en": "Repeat buyers", "zh": "重复购买客户"},
    "p_alive_all": {"en": "P(alive), all", "zh": "存活概率（全部客户）"},
    "p_alive_repeat": {"en": "P(alive), repeat buyers", "zh": "存活概率（重复购买客户）"},
})
#: future × historical value segments (客户资产) …
SEGMENTS = Catalogue("clv.segment", {
    "star": {"en": "keep: high historical and high future value", "zh": "重点保持：历史价值高、未来价值高"},
    "rising": {"en": "develop: low historical but high future value", "zh": "潜力发展：历史价值低、未来价值高"},
    "fading": {"en": "win back: high historical but low future value", "zh": "流失挽回：历史价值高、未来价值低"},
    "low": {"en": "maintain: low historical and low future value", "zh": "低成本维持：历史价值低、未来价值低"},
})
#: … and their actions
SEGMENT_ACTIONS = Catalogue("clv.segment_action", {
    "star": {"en": "Protect: VIP service, early access, personal contact", "zh": "重点维护：VIP 服务、新品优先、专人联系"},
    "rising": {"en": "Grow: cross-sell, membership upgrade, second-purchase offers",
               "zh": "培养发展：交叉销售、会员升级、复购激励"},
    "fading": {"en": "Win back now: call, tailored offer, ask why they left", "zh": "及时挽回：电话回访、定向优惠、了解流失原因"},
    "low": {"en": "Low-cost: automated mailings only", "zh": "低成本维护：只做自动化营销"},
})
#: the demo data's latent customer types (crmcore.datasets.customers(...)["true_type"])
DEMO_TYPES = Catalogue("clv.demo_types", {
    "champion": {"en": "champions", "zh": "冠军客户"}, "loyal": {"en": "loyal", "zh": "忠诚客户"},
    "new": {"en": "new", "zh": "新客户"}, "occasional": {"en": "occasional", "zh": "偶尔购买"},
    "at_risk": {"en": "at risk", "zh": "有流失风险"}, "lost": {"en": "lost", "zh": "已流失"},
    "bargain": {"en": "one-off bargain hunters", "zh": "特价一次性客户"},
})
#: the rows of clv.data_source
DATA_SOURCE = Catalogue("clv.data_source", {
    "measure": {"en": "measure", "zh": "项目"}, "value": {"en": "value", "zh": "数值"},
    "asof": {"en": "snapshot (asof, exclusive)", "zh": "分析时点（asof，不含当天）"},
    "customers": {"en": "customers", "zh": "客户数"},
    "repeat": {"en": "customers with a repeat purchase", "zh": "有重复购买的客户"},
    "repeat_days": {"en": "repeat purchase days in all", "zh": "重复购买天数合计"},
    "median_age": {"en": "median age T ({u})", "zh": "客龄 T 中位数（{u}）"},
    "unit": {"en": "time unit of recency and T", "zh": "首末购间隔与客龄的时间单位"},
})
#: the words of the charts (crmcore.clv_plots)
PLOT_WORDS = Catalogue("clv.plot", {
    "curve_title": {"en": "Expected cumulative repeat purchases of a new customer ({m})", "zh": "新客户的预期累计重复购买次数（{m}）"},
    "time": {"en": "Time since first purchase ({u})", "zh": "首次购买后的时间（{u}）"},
    "rep": {"en": "Repeat purchases", "zh": "重复购买次数"},
    "palive_title": {"en": "Distribution of P(alive) ({m})", "zh": "存活概率分布（{m}）"},
    "palive": {"en": "P(alive)", "zh": "存活概率"}, "customers": {"en": "Customers", "zh": "客户数"},
    "spend_title": {"en": "Mean repeat spend: observed vs Gamma-Gamma expected", "zh": "重复购买平均金额：实际与 Gamma-Gamma 预期"},
    "spend": {"en": "Spend per purchase", "zh": "单次消费金额"}, "observed": {"en": "observed mean", "zh": "实际均值"},
    "expected": {"en": "expected (shrunk)", "zh": "模型预期（收缩后）"},
    "surv_title": {"en": "Share of the cohort still active: actual and sBG projection", "zh": "客户群留存比例：实际与 sBG 预测"},
    "period": {"en": "Period", "zh": "期"}, "share_active": {"en": "Share still active", "zh": "留存比例"},
    "actual": {"en": "actual", "zh": "实际"}, "model": {"en": "sBG model", "zh": "sBG 模型"},
    "fit_end": {"en": "end of fitted data", "zh": "拟合数据截止"},
    "track_title": {"en": "Cumulative repeat purchases by week: actual vs {m}", "zh": "按周累计重复购买次数：实际与 {m} 预测"},
    "week": {"en": "Week", "zh": "周"}, "cum": {"en": "Cumulative repeat purchases", "zh": "累计重复购买次数"},
    "pred": {"en": "model", "zh": "模型预测"}, "cal_end": {"en": "end of calibration", "zh": "校准期结束"},
    "cond_title": {"en": "Holdout repeat purchases by calibration frequency", "zh": "按校准期重复购买次数分组的验证期重复购买"},
    "calfreq": {"en": "Repeat purchases in calibration", "zh": "校准期重复购买次数"},
    "holdfreq": {"en": "Repeat purchases per customer in holdout", "zh": "验证期人均重复购买次数"},
    "seg_title": {"en": "Historical vs future value per customer", "zh": "每位客户的历史价值与未来价值"},
    "hist": {"en": "Historical value (margin)", "zh": "历史价值（毛利）"},
    "fut": {"en": "Future value (margin, discounted)", "zh": "未来价值（毛利，已折现）"},
    "type_title": {"en": "P(alive) by the demo customers' true type", "zh": "按演示数据真实客户类型的存活概率"},
    "type": {"en": "True type", "zh": "真实类型"}, "mean": {"en": "mean", "zh": "平均"},
})
_SINGULAR = {"days": "day", "weeks": "week", "months": "month", "periods": "period"}
PER_YEAR = {"days": 365.25, "weeks": 365.25 / 7, "months": 12.0}


def _u(unit, lang):
    return TEXT(_SINGULAR[unit], "zh" if lang == "zh" else "en") if unit in _SINGULAR else unit


def _year(unit):
    """One year in the unit, rounded to whole periods (52 weeks, 365 days, 12 months)."""
    return int(round(PER_YEAR.get(unit, 52.0) - (0.18 if unit == "weeks" else 0.25 if unit == "days" else 0)))


def interpret_fit(fit, lang: str = "en") -> list[str]:
    check_lang(lang)
    zh = lang == "zh"
    p, unit = fit.params, fit.unit
    u = _u(unit, lang)
    out: list[str] = []
    if fit.model in ("bgnbd", "pareto_nbd"):
        rate = p["r"] / p["alpha"]
        yr = _year(unit)
        out.append(f"活跃期间，客户平均每{u}重复购买 {rate:.3f} 次（约每年 {rate * PER_YEAR[unit]:.1f} 次）。" if zh else
                   f"While active, a customer makes on average {rate:.3f} repeat purchases per {u} "
                   f"(about {rate * PER_YEAR[unit]:.1f} a year).")
        if p["r"] < 1:
            out.append(f"购买频率差异很大（r = {p['r']:.2f} < 1）：多数客户的购买频率远低于平均，少数客户买得很勤。" if zh else
                       f"Purchase rates are very uneven (r = {p['r']:.2f} < 1): most customers buy far less often than "
                       "the average and a few buy very often.")
        else:
            out.append(f"购买频率比较均匀（r = {p['r']:.2f} ≥ 1）：多数客户的购买频率接近平均水平。" if zh else
                       f"Purchase rates are fairly even (r = {p['r']:.2f} ≥ 1): most customers buy close to the average rate.")
        if fit.model == "bgnbd":
            drop = p["a"] / (p["a"] + p["b"])
            d = f"{drop:.1%}" if drop >= 0.001 else ("不到 0.1%" if zh else "less than 0.1%")
            out.append(f"每次重复购买之后，客户平均有 {d} 的概率就此流失。" if zh else
                       f"After each repeat purchase, a customer drops out with probability {d} on average.")
        else:
            s, beta = p["s"], p["beta"]
            med = beta * (2 ** (1 / s) - 1)
            if s > 1:
                mean = beta / (s - 1)
                out.append(f"客户的平均活跃寿命约 {mean:,.0f} {u}，一半客户的寿命超过 {med:,.0f} {u}。" if zh else
                           f"The mean customer lifetime is about {mean:,.0f} {u}s; half the customers stay longer than "
                           f"{med:,.0f} {u}s.")
            else:
                out.append(f"客户寿命差异极大（s = {s:.2f} ≤ 1），平均寿命没有上限，不宜引用；一半客户的寿命超过 {med:,.0f} {u}。"
                           if zh else
                           f"Lifetimes are so uneven (s = {s:.2f} ≤ 1) that the mean lifetime is unbounded and should not "
                           f"be quoted; half the customers stay longer than {med:,.0f} {u}s.")
        pa = fit.p_alive()
        x0 = float(np.mean(fit.summary["frequency"].to_numpy() == 0))
        low = int(np.sum(pa < 0.5))
        s1 = (f"{fit.n:,} 位客户的平均存活概率为 {pa.mean():.1%}，其中 {low:,} 位低于 50%。" if zh else
              f"The {fit.n:,} customers' average probability of still being active is {pa.mean():.1%}; {low:,} of them "
              "are below 50%.")
        if fit.model == "bgnbd" and x0 > 0:
            s1 += (f"注意：只买过一次的客户（占 {x0:.0%}）在 BG/NBD 中一律算作活跃，因为模型只在重复购买之后才让客户流失。" if zh else
                   f" Note: one-time buyers ({x0:.0%} of customers) all count as alive in BG/NBD, which lets a customer "
                   "drop out only after a repeat purchase.")
        out.append(s1)
        e = fit.expected_purchases(yr)
        out.append(f"未来 {yr} {u}，这些客户预计共重复购买 {e.sum():,.0f} 次（人均 {e.mean():.2f} 次）。" if zh else
                   f"Over the next {yr} {u}s these customers are expected to make {e.sum():,.0f} repeat purchases "
                   f"({e.mean():.2f} per customer).")
    elif fit.model == "gamma_gamma":
        pp, q, g = p["p"], p["q"], p["gamma"]
        if q > 1:
            out.append(f"全体客户的单次消费金额均值为 {pp * g / (q - 1):,.2f}（没有重复购买的客户按此估计）。" if zh else
                       f"The population's mean spend per purchase is {pp * g / (q - 1):,.2f} (used for customers with no "
                       "repeat purchase).")
        w1 = pp / (pp + q - 1)
        out.append(f"只重复购买过一次的客户，预期单次消费金额对其本人均值的权重为 {w1:.0%}，其余取全体均值；购买次数越多，越相信本人的数据。"
                   if zh else
                   f"For a customer with one repeat purchase, the expected spend puts {w1:.0%} weight on the customer's "
                   "own mean and the rest on the population mean; more purchases, more weight on the customer.")
        c = fit.extra.get("frequency_spend_correlation", float("nan"))
        if math.isnan(c):
            pass
        elif abs(c) < 0.3:
            out.append(f"消费频率与平均消费金额的相关系数为 {c:.2f}，相关性弱，符合 Gamma-Gamma 模型“二者独立”的假设。" if zh else
                       f"Frequency and mean spend correlate at {c:.2f}: weak, as the Gamma-Gamma model assumes "
                       "(independence of spend and frequency).")
        else:
            out.append(f"消费频率与平均消费金额的相关系数为 {c:.2f}，相关性较强，Gamma-Gamma 模型“二者独立”的假设存疑，"
                       "使用其客户终身价值前应先按频率分组检查消费金额。" if zh else
                       f"Frequency and mean spend correlate at {c:.2f}: strong, so the Gamma-Gamma assumption of "
                       "independence is doubtful; check spend by frequency before using its CLV.")
    else:  # sbg
        n = int(fit.extra.get("periods", len(fit.summary) - 1))
        r1, rn = float(fit.retention(1)), float(fit.retention(n))
        out.append(f"续约率从第 1 期的 {r1:.1%} 升到第 {n} 期的 {rn:.1%}：不是客户越来越忠诚，而是最容易流失的客户先走了（客户群的筛选效应）。"
                   if zh else
                   f"Retention rises from {r1:.1%} in period 1 to {rn:.1%} in period {n}: not because customers grow "
                   "more loyal, but because those most likely to cancel leave first (sorting of the cohort).")
        s_n, s_2n = float(fit.survival(n)), float(fit.survival(2 * n))
        out.append(f"每 100 位新客户中，{n} 期后剩 {100 * s_n:.1f} 位；模型预计 {2 * n} 期后剩 {100 * s_2n:.1f} 位。" if zh else
                   f"Of every 100 customers who start, {100 * s_n:.1f} remain after {n} periods; the model projects "
                   f"{100 * s_2n:.1f} after {2 * n}.")
    return out


def interpret_holdout(h, lang: str = "en") -> list[str]:
    zh = lang == "zh"
    u = _u(h.fitted.unit, lang)
    diff = (h.predicted_total - h.actual_total) / h.actual_total if h.actual_total else float("nan")
    name = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD"}[h.model]
    if math.isnan(diff):
        verdict = ("验证期内没有实际重复购买，无法比较总量。" if zh else "there were no repeat purchases in the holdout to compare.")
    elif abs(diff) < 0.005:
        verdict = "与实际基本一致。" if zh else "in line with the actual total."
    elif diff > 0:
        verdict = f"高估了 {diff:.1%}。" if zh else f"an over-forecast by {diff:.1%}."
    else:
        verdict = f"低估了 {-diff:.1%}。" if zh else f"an under-forecast by {-diff:.1%}."
    out = [(f"{name} 模型用 {h.calibration_end} 之前的数据拟合，预测验证期（{h.holdout_length:.0f} {u}）重复购买 "
            f"{h.predicted_total:,.0f} 次，实际 {h.actual_total:,.0f} 次，" + verdict) if zh else
           (f"Fitted on purchases before {h.calibration_end}, {name} predicts {h.predicted_total:,.0f} repeat purchases "
            f"in the {h.holdout_length:.0f}-{u} holdout against {h.actual_total:,.0f} actual: " + verdict)]
    if not math.isnan(h.correlation):
        out.append(f"逐个客户比较：平均绝对误差 {h.mae:.2f} 次，预测与实际的相关系数 {h.correlation:.2f}。" if zh else
                   f"Customer by customer: mean absolute error {h.mae:.2f} purchases, correlation of predicted with "
                   f"actual {h.correlation:.2f}.")
    z = h.by_frequency[h.by_frequency["calibration_frequency"] == "0"]
    if len(z):
        pz, az = float(z["predicted"].iloc[0]), float(z["actual"].iloc[0])
        rel = "高于" if pz > az else "低于" if pz < az else "等于"
        rel_en = "above" if pz > az else "below" if pz < az else "equal to"
        out.append(f"校准期只买过一次的客户：人均预测 {pz:.2f} 次，{rel}实际的 {az:.2f} 次。" if zh else
                   f"Customers with no repeat purchase in calibration: {pz:.2f} predicted per customer, {rel_en} the "
                   f"actual {az:.2f}.")
    return out


def _share(v: float, zh: bool) -> str:
    """A share as a manager reads it: '18%', and '<1%' rather than a false '0%' for a small positive share."""
    if 0 < v < 0.005:
        return "不到 1%" if zh else "<1%"
    return f"{v:.0%}"


def interpret_value(v, lang: str = "en") -> list[str]:
    zh = lang == "zh"
    t = v.table
    out = []
    fut = t["future_value"].to_numpy()
    tot_f = fut.sum()
    if tot_f > 0:
        k = max(1, int(math.ceil(0.2 * len(t))))
        top = np.sort(fut)[::-1][:k].sum() / tot_f
        out.append(f"未来价值最高的 20% 客户（{k:,} 位）预计贡献 {top:.0%} 的未来价值。" if zh else
                   f"The 20% of customers with the highest future value ({k:,}) are expected to bring {top:.0%} of it.")
    seg = v.segment_table(lang)
    keys = ["star", "rising", "fading", "low"]
    seg.index = keys
    f = seg.loc["fading"]
    if f["customers"] > 0 and f["share_of_future_value"] < f["share_of_historical_value"]:
        hs, fs = _share(f["share_of_historical_value"], zh), _share(f["share_of_future_value"], zh)
        out.append(f"{int(f['customers']):,} 位客户过去贡献了 {hs} 的历史价值，但预计只带来 {fs} 的未来价值（流失挽回）："
                   "过去最好的客户不一定是将来最好的客户，应优先挽回。" if zh else
                   f"{int(f['customers']):,} customers brought {hs} of historical value but are expected to bring only "
                   f"{fs} of future value (win back): the best past customers are not necessarily the best future "
                   "ones — reach them first.")
    r = seg.loc["rising"]
    if r["customers"] > 0 and r["share_of_future_value"] > r["share_of_historical_value"]:
        hs, fs = _share(r["share_of_historical_value"], zh), _share(r["share_of_future_value"], zh)
        out.append(f"{int(r['customers']):,} 位潜力客户历史价值只占 {hs}，预计却带来 {fs} 的未来价值，应重点培养。" if zh else
                   f"{int(r['customers']):,} rising customers hold only {hs} of historical value but are expected to "
                   f"bring {fs} of future value: develop them.")
    s = seg.loc["star"]
    if s["customers"] > 0:
        out.append(f"{int(s['customers']):,} 位重点保持客户预计带来 {s['share_of_future_value']:.0%} 的未来价值。" if zh else
                   f"{int(s['customers']):,} customers to keep are expected to bring {s['share_of_future_value']:.0%} "
                   "of future value.")
    return out
