"""The words of crmcore.porter: force names, table headers, the default driver checklist, and the sentences.

Every table here is a :class:`crmcore.labels.Catalogue` (``{"key": {"en": ..., "zh": ...}}``); the functions
write the findings of a :class:`crmcore.strategy.porter.FiveForcesResult` in English or Chinese.
:mod:`crmcore.strategy.porter` imports this module and re-exports its public names.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crmcore.labels import Catalogue, check_lang, text

if TYPE_CHECKING:
    from crmcore.strategy.porter import FiveForcesResult

#: the five forces, in the order every table and chart lists them
FORCES = ("supplier_power", "buyer_power", "new_entrants", "substitutes", "rivalry")
#: intensities are compared after rounding to this many decimals
_ROUND = 9

LABELS = Catalogue("porter.labels", {
    "supplier_power": {"en": "Supplier power", "zh": "供应商议价能力"},
    "buyer_power": {"en": "Buyer power", "zh": "购买者议价能力"},
    "new_entrants": {"en": "Threat of new entrants", "zh": "潜在进入者的威胁"},
    "substitutes": {"en": "Threat of substitutes", "zh": "替代品的威胁"},
    "rivalry": {"en": "Rivalry among competitors", "zh": "现有竞争者之间的竞争"},
    "weak": {"en": "weak", "zh": "弱"},
    "moderate": {"en": "moderate", "zh": "中等"},
    "strong": {"en": "strong", "zh": "强"},
    "intensity": {"en": "force intensity (1–5, 5 = strong force)", "zh": "作用力强度（1–5，5 = 作用力强）"},
    "score": {"en": "driver score (1–5, 5 = strong force)", "zh": "驱动因素评分（1–5，5 = 作用力强）"},
    "radar_title": {"en": "Five forces intensity", "zh": "五力强度雷达图"},
    "drivers_title": {"en": "Drivers by force", "zh": "各作用力的驱动因素"},
    "title": {"en": "Porter's five forces", "zh": "波特五力分析"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
})

#: table headers for ``crm.show(..., columns=porter.COLUMNS)`` (force columns carry the force names)
COLUMNS = Catalogue("porter.columns", {
    **{f: dict(LABELS[f]) for f in ("supplier_power", "buyer_power", "new_entrants", "substitutes", "rivalry")},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "overall_intensity": {"en": "Overall intensity (1–5)", "zh": "综合强度（1–5）"},
    "attractiveness": {"en": "Attractiveness (1–5)", "zh": "行业吸引力（1–5）"},
    "binding_force": {"en": "Binding force", "zh": "最关键的作用力"},
    "ranking_stable": {"en": "Ranking robust to ±step", "zh": "排序是否稳健"},
    "force": {"en": "Force", "zh": "作用力"},
    "driver": {"en": "Driver", "zh": "驱动因素"},
    "weight": {"en": "Weight", "zh": "权重"},
    "score": {"en": "Score (1–5)", "zh": "评分（1–5）"},
    "contribution": {"en": "Weight × score", "zh": "权重 × 评分"},
    "evidence": {"en": "Evidence", "zh": "依据"},
    "delta": {"en": "Weight move", "zh": "权重变动"},
    "intensity_before": {"en": "Intensity before", "zh": "变动前强度"},
    "intensity_after": {"en": "Intensity after", "zh": "变动后强度"},
    "binding_changed": {"en": "Binding force changes", "zh": "最关键作用力是否改变"},
    "new_ranking": {"en": "New ranking", "zh": "新的排序"},
    "label": {"en": "Driver", "zh": "驱动因素"},
    "force_label": {"en": "Force", "zh": "作用力"},
})

#: default checklist (Porter 2008): the words of each driver, phrased so that 5 = strong force
_CHECKLIST_KEYS: dict[str, tuple[str, ...]] = {
    "supplier_power": (
        "supplier_concentration", "input_differentiation", "supplier_switching_cost",
        "few_substitute_inputs", "supplier_forward_integration", "industry_minor_customer",
    ),
    "buyer_power": (
        "buyer_concentration", "standard_products", "buyer_switching_cost_low", "price_sensitivity",
        "price_transparency", "buyer_backward_integration",
    ),
    "new_entrants": (
        "scale_economies_small", "capital_requirements_low", "brand_loyalty_weak",
        "channel_access_easy", "policy_barriers_low", "retaliation_unlikely",
    ),
    "substitutes": (
        "substitute_price_performance", "substitute_switching_cost_low", "propensity_to_substitute",
    ),
    "rivalry": (
        "many_equal_competitors", "slow_growth", "low_differentiation", "high_fixed_costs",
        "high_exit_barriers", "price_promotions",
    ),
}

DRIVERS = Catalogue("porter.drivers", {
    # supplier_power
    "supplier_concentration": {"en": "Suppliers are few and more concentrated than the buyers", "zh": "供应商数量少、比买方更集中"},
    "input_differentiation": {"en": "Inputs are differentiated or unique", "zh": "供应品差异化或独特"},
    "supplier_switching_cost": {"en": "Changing supplier is costly", "zh": "更换供应商的转换成本高"},
    "few_substitute_inputs": {"en": "Few substitute inputs exist", "zh": "缺少可替代的投入品"},
    "supplier_forward_integration": {"en": "Suppliers can sell direct (forward integration)", "zh": "供应商可能前向一体化（直接面向顾客销售）"},
    "industry_minor_customer": {"en": "The industry is a minor customer of its suppliers", "zh": "本行业不是供应商的重要客户"},
    # buyer_power
    "buyer_concentration": {"en": "Buyers are concentrated or buy in large volumes", "zh": "买方集中或采购量大"},
    "standard_products": {"en": "Products are standard or undifferentiated", "zh": "产品标准化、差异小"},
    "buyer_switching_cost_low": {"en": "Buyers switch sellers at little cost", "zh": "买方更换卖家的成本低"},
    "price_sensitivity": {"en": "Buyers are price sensitive", "zh": "买方对价格敏感"},
    "price_transparency": {"en": "Buyers are well informed (easy price comparison)", "zh": "买方信息充分（比价方便）"},
    "buyer_backward_integration": {"en": "Buyers can make the product themselves", "zh": "买方可能后向一体化（自行生产）"},
    # new_entrants
    "scale_economies_small": {"en": "Economies of scale are small", "zh": "规模经济不明显"},
    "capital_requirements_low": {"en": "Little capital is needed to enter", "zh": "进入所需资本少"},
    "brand_loyalty_weak": {"en": "Customers have little brand loyalty", "zh": "顾客品牌忠诚度低"},
    "channel_access_easy": {"en": "New entrants reach customers easily (channel access)", "zh": "新进入者容易获得销售渠道"},
    "policy_barriers_low": {"en": "Few regulatory or licensing barriers", "zh": "政策与许可壁垒低"},
    "retaliation_unlikely": {"en": "Incumbents are unlikely to retaliate", "zh": "在位企业报复的可能性小"},
    # substitutes
    "substitute_price_performance": {"en": "Substitutes offer an attractive price–performance trade-off", "zh": "替代品性价比有吸引力"},
    "substitute_switching_cost_low": {"en": "Switching to a substitute costs buyers little", "zh": "转向替代品的成本低"},
    "propensity_to_substitute": {"en": "Buyers are willing to substitute", "zh": "买方替代意愿强"},
    # rivalry
    "many_equal_competitors": {"en": "Competitors are numerous or roughly equal in size", "zh": "竞争者众多或势均力敌"},
    "slow_growth": {"en": "Industry growth is slow", "zh": "行业增长缓慢"},
    "low_differentiation": {"en": "Offers are hard to differentiate; customers switch easily", "zh": "产品差异小、顾客容易转换"},
    "high_fixed_costs": {"en": "High fixed or storage costs push price cuts", "zh": "固定成本或库存成本高，促使降价"},
    "high_exit_barriers": {"en": "Exit barriers are high", "zh": "退出壁垒高"},
    "price_promotions": {"en": "Price wars and promotions are frequent", "zh": "价格战与促销频繁"},
})

#: force → (driver key, English, Chinese) per driver, built from :data:`DRIVERS`
CHECKLIST: dict[str, list[tuple[str, str, str]]] = {
    force: [(k, DRIVERS[k]["en"], DRIVERS[k]["zh"]) for k in ks] for force, ks in _CHECKLIST_KEYS.items()}
_CHECK_INDEX = {key: (force, en, zh) for force, rows in CHECKLIST.items() for key, en, zh in rows}


def describe(result: "FiveForcesResult", lang: str = "en") -> str:
    """One sentence on what the driver file holds: its scenarios and how many drivers each scores."""
    check_lang(lang)
    n = result.drivers.groupby("scenario", sort=False).size()
    items = [(_scenario_label(result, s, lang), int(n.get(s, 0))) for s in result.scenarios]
    if lang == "zh":
        return f"共 {len(items)} 个情景：" + "；".join(f"{name}（{k} 个驱动因素）" for name, k in items) + "。"
    return f"{len(items)} scenario{'s' if len(items) > 1 else ''}: " + "; ".join(
        f"{name} ({k} drivers)" for name, k in items) + "."


def _scenario_label(result: "FiveForcesResult", s: str, lang: str) -> str:
    if lang == "zh":
        zh = result.overall.set_index("scenario").loc[s, "scenario_zh"]
        return str(zh) if zh else s
    return s


def _join_en(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ranking_text(ranking: str, lang: str) -> str:
    sep = " > "
    return sep.join(text(f, lang, LABELS) if lang == "zh" else text(f, lang, LABELS).lower() for f in ranking.split(sep))


def interpret(result: "FiveForcesResult", *, lang: str = "en", scenario: str | None = None,
              compare_with: str | None = None) -> list[str]:
    """Sentences about one scenario: intensity and attractiveness, binding force, sensitivity.

    ``compare_with`` names another scenario (e.g. last year) for a sentence on the change.
    """
    check_lang(lang)
    s = result._scenario(scenario)
    o = result.overall.set_index("scenario").loc[s]
    inten = result.intensity(s)
    d = result.drivers[result.drivers["scenario"] == s]
    drv = d[d["force"] == o["binding_force"]]
    top_drv = drv.loc[drv["contribution"].idxmax()]
    # drivers tied with the top one, and forces tied for the weakest: named as ties, never one winner
    drv_ties = drv[np.isclose(drv["contribution"], top_drv["contribution"], rtol=0, atol=1e-9)].drop(index=top_drv.name)
    changes = result.ranking_changes(s)
    n_moves = int((result.sensitivity["scenario"] == s).sum())
    n_binding = int(changes["binding_changed"].sum()) if len(changes) else 0
    name = _scenario_label(result, s, lang)
    weakest = inten.idxmin()
    weak_ties = [f for f in FORCES if f != weakest and round(inten[f], _ROUND) == round(inten[weakest], _ROUND)]

    def drv_label(force: str, key: str) -> str:
        row = d[(d["force"] == force) & (d["driver"] == key)].iloc[0]
        return (row["label_zh"] or row["label"]) if lang == "zh" else row["label"]

    out: list[str] = []
    if lang == "en":
        out.append(f"{name}: the overall intensity of the five forces is {o['overall_intensity']:.2f} on 1–5 "
                   f"({o['level']}), so industry attractiveness is {o['attractiveness']:.2f} "
                   f"(= 6 − intensity; stronger forces mean a less attractive industry).")
        tie = f" (tied with {', '.join(text(t, 'en', LABELS).lower() for t in o['binding_ties'].split(','))})" if o["binding_ties"] else ""
        also = "".join(f" and equally by '{r['label']}' (score {r['score']:g}, weight {r['weight']:.2f})"
                       for _, r in drv_ties.iterrows())
        weak = _join_en([text(f, "en", LABELS).lower() for f in [weakest] + weak_ties])
        out.append(f"The binding force is {text(o['binding_force'], 'en', LABELS).lower()} at "
                   f"{inten[o['binding_force']]:.2f}{tie}, driven most by '{top_drv['label']}' (score {top_drv['score']:g}, "
                   f"weight {top_drv['weight']:.2f}){also}; the weakest "
                   + (f"are {weak}, tied at {inten[weakest]:.2f}." if weak_ties else f"is {weak} at {inten[weakest]:.2f}."))
        if changes.empty:
            out.append(f"The ranking of the forces is robust: none of the {n_moves} driver-weight moves of ±{result.step:g} changes it.")
        else:
            ex = changes.sort_values("binding_changed", ascending=False, kind="mergesort").iloc[0]
            out.append(f"The ranking is sensitive: {len(changes)} of {n_moves} driver-weight moves of ±{result.step:g} change it"
                       + (f", {n_binding} of them the binding force" if n_binding else "")
                       + f" (e.g. '{drv_label(ex['force'], ex['driver'])}' in {text(ex['force'], 'en', LABELS).lower()} "
                       f"{ex['delta']:+.2f} gives {_ranking_text(ex['new_ranking'], 'en')}); "
                       "discuss those weights before acting on the order.")
    else:
        lvl = text(o["level"], "zh", LABELS)
        out.append(f"{name}：五力综合强度为 {o['overall_intensity']:.2f}（1–5，{lvl}），行业吸引力为 {o['attractiveness']:.2f}"
                   f"（= 6 − 强度；作用力越强，行业吸引力越低）。")
        tie = f"（与{'、'.join(text(t, 'zh', LABELS) for t in o['binding_ties'].split(','))}并列）" if o["binding_ties"] else ""
        label = top_drv["label_zh"] or top_drv["label"]
        also = "".join(f"，以及同样重要的“{r['label_zh'] or r['label']}”（评分 {r['score']:g}，权重 {r['weight']:.2f}）"
                       for _, r in drv_ties.iterrows())
        weak = "、".join(text(f, "zh", LABELS) for f in [weakest] + weak_ties)
        out.append(f"最关键的作用力是{text(o['binding_force'], 'zh', LABELS)}（{inten[o['binding_force']]:.2f}）{tie}，"
                   f"主要来自“{label}”（评分 {top_drv['score']:g}，权重 {top_drv['weight']:.2f}）{also}；"
                   + (f"最弱的是{weak}，并列 {inten[weakest]:.2f}。" if weak_ties else f"最弱的是{weak}（{inten[weakest]:.2f}）。"))
        if changes.empty:
            out.append(f"排序稳健：{n_moves} 个 ±{result.step:g} 的驱动因素权重变动都不会改变五力排序。")
        else:
            ex = changes.sort_values("binding_changed", ascending=False, kind="mergesort").iloc[0]
            out.append(f"排序对权重敏感：{n_moves} 个 ±{result.step:g} 的权重变动中有 {len(changes)} 个会改变五力排序"
                       + (f"，其中 {n_binding} 个会改变最关键作用力" if n_binding else "")
                       + f"（例如{text(ex['force'], 'zh', LABELS)}中“{drv_label(ex['force'], ex['driver'])}”权重 "
                       f"{ex['delta']:+.2f} 后排序为 {_ranking_text(ex['new_ranking'], 'zh')}），据此行动前请先讨论这些权重。")
    if compare_with is not None and compare_with != s:  # a scenario compared with itself says nothing
        prev = result._scenario(compare_with)
        po = result.overall.set_index("scenario").loc[prev]
        diff = (inten - result.intensity(prev)).round(_ROUND)
        ups = [f for f in FORCES if diff[f] == diff.max()]
        d_att = round(o["attractiveness"] - po["attractiveness"], _ROUND)
        if lang == "en":
            moved = (f"the largest rise in intensity is in {_join_en([text(f, 'en', LABELS).lower() for f in ups])} "
                     f"({diff.max():+.2f})" if diff.max() > 0 else "no force became stronger")
            out.append(f"Compared with {prev}, attractiveness {'rose' if d_att > 0 else ('fell' if d_att < 0 else 'did not change')} "
                       f"by {abs(d_att):.2f}; {moved}.")
        else:
            moved = (f"强度上升最多的是{'、'.join(text(f, 'zh', LABELS) for f in ups)}（{diff.max():+.2f}）"
                     if diff.max() > 0 else "没有作用力变强")
            out.append(f"与“{_scenario_label(result, prev, 'zh')}”相比，行业吸引力"
                       f"{'上升' if d_att > 0 else ('下降' if d_att < 0 else '不变')} {abs(d_att):.2f}；{moved}。")
    return out
