"""The words of crmcore.bcg: quadrant and strategy names, table headers, and the sentences built from a result.

Every table here is a :class:`crmcore.labels.Catalogue` (``{"key": {"en": ..., "zh": ...}}``); the functions
write the findings of a :class:`crmcore.strategy.bcg.BCGResult` in English or Chinese. :mod:`crmcore.strategy.bcg`
imports this module and re-exports its public names (``bcg.strategy``, ``bcg.interpret``, ``bcg.COLUMNS`` …).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crmcore.errors import ParameterError
from crmcore.labels import Catalogue, check_lang, text
from crmcore.labels import value as label_value

if TYPE_CHECKING:
    from crmcore.strategy.bcg import BCGResult

#: the four quadrants, in the order every table lists them
QUADRANTS = ("star", "cash_cow", "question_mark", "dog")
#: values are compared after rounding to this many decimals (110/100 − 1 counts as exactly 10%)
_ROUND = 9

LABELS = Catalogue("bcg.labels", {
    "star": {"en": "star", "zh": "明星"},
    "cash_cow": {"en": "cash cow", "zh": "现金牛"},
    "question_mark": {"en": "question mark", "zh": "问题"},
    "dog": {"en": "dog", "zh": "瘦狗"},
    "stars": {"en": "stars", "zh": "明星类"},
    "cash_cows": {"en": "cash cows", "zh": "现金牛类"},
    "question_marks": {"en": "question marks", "zh": "问题类"},
    "dogs": {"en": "dogs", "zh": "瘦狗类"},
    "build": {"en": "build", "zh": "发展"},
    "hold": {"en": "hold", "zh": "维持"},
    "harvest": {"en": "harvest", "zh": "收获"},
    "divest": {"en": "divest", "zh": "放弃"},
    "market": {"en": "market data", "zh": "市场数据"},
    "proxy": {"en": "transaction proxy (within the firm, not market share)", "zh": "交易数据代理指标（企业内部比较，非市场份额）"},
    "title": {"en": "BCG growth-share matrix", "zh": "波士顿矩阵（BCG 增长率-市场份额矩阵）"},
    "x_market": {"en": "relative market share (log scale, reversed)", "zh": "相对市场份额（对数刻度，自左向右递减）"},
    "x_proxy": {"en": "relative share within the firm — proxy (log, reversed)", "zh": "企业内部相对份额——代理指标（对数，自左向右递减）"},
    "y_market": {"en": "market growth (%)", "zh": "市场增长率（%）"},
    "y_proxy": {"en": "own revenue growth (%) — proxy", "zh": "自身销售额增长率（%）——代理指标"},
})

#: quadrant → (primary hint, alternative or None): keys of :data:`LABELS`
_HINTS: dict[str, tuple[str, str | None]] = {
    "star": ("build", None), "cash_cow": ("hold", "harvest"), "question_mark": ("build", "divest"),
    "dog": ("divest", "harvest"),
}
#: the note that explains each quadrant's hint (and the note of a star that does not lead, by a median threshold)
NOTES = Catalogue("bcg.strategy", {
    "star": {"en": "invest to keep the lead while the market grows", "zh": "加大投入，在市场增长中保持领先"},
    "cash_cow": {"en": "defend the share and use the cash to fund stars and question marks; harvest the weak ones",
                 "zh": "维持份额，用其现金支持明星和问题业务；较弱的现金牛可收获"},
    "question_mark": {"en": "build the promising ones into stars, divest the rest",
                      "zh": "有潜力的加大投入使其成为明星，其余放弃"},
    "dog": {"en": "divest, or harvest the cash while it lasts", "zh": "放弃，或在退出前收获现金"},
    "star_not_lead": {"en": "invest while it grows; it is not the largest unit yet (relative share below 1)",
                      "zh": "趁增长加大投入；它还不是份额最大的单元（相对份额低于 1）"},
})
#: quadrant → (primary hint, alternative or None, English note, Chinese note), built from the catalogues
STRATEGY: dict[str, tuple[str, str | None, str, str]] = {
    q: (*_HINTS[q], NOTES[q]["en"], NOTES[q]["zh"]) for q in QUADRANTS}

#: what "growth" means on each basis
GROWTH_WORDS = Catalogue("bcg.growth_words", {
    "market": {"en": "market growth", "zh": "市场增长率"},
    "proxy": {"en": "revenue growth", "zh": "销售额增长率"},
})
#: the name of a unit column (a column not listed is named as it is; "unit" is the general word)
_UNIT_WORDS = Catalogue("bcg.unit_words", {
    "category": {"en": "category", "zh": "品类"}, "product_id": {"en": "product", "zh": "商品"},
    "channel": {"en": "channel", "zh": "渠道"}, "region": {"en": "region", "zh": "区域"},
    "unit": {"en": "unit", "zh": "业务单元"},
})
#: the period lengths of the proxy
_FREQ_WORDS = Catalogue("bcg.freq_words", {
    "Y": {"en": "years", "zh": "年"}, "Q": {"en": "quarters", "zh": "季度"}, "M": {"en": "months", "zh": "月"},
})

#: readable headers (en/zh) for crm.show
COLUMNS = Catalogue("bcg.columns", {
    "quadrant": {"en": "Quadrant", "zh": "象限"},
    "label": {"en": "Quadrant", "zh": "象限"},
    "units": {"en": "Units", "zh": "业务单元数"},
    "members": {"en": "Members", "zh": "包含的业务单元"},
    "revenue": {"en": "Revenue", "zh": "销售额"},
    "revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "strategy": {"en": "Strategy hint", "zh": "策略建议"},
    "growth": {"en": "Growth", "zh": "增长率"},
    "own_share": {"en": "Own market share", "zh": "本企业市场份额"},
    "largest_competitor_share": {"en": "Largest competitor's share", "zh": "最大竞争对手份额"},
    "market_growth": {"en": "Market growth", "zh": "市场增长率"},
    "relative_share": {"en": "Relative share", "zh": "相对份额"},
    "previous_growth": {"en": "Growth, previous period", "zh": "上期增长率"},
    "previous_relative_share": {"en": "Relative share, previous period", "zh": "上期相对份额"},
    "previous_quadrant": {"en": "Quadrant, previous period", "zh": "上期象限"},
    "previous_revenue": {"en": "Revenue, previous period", "zh": "上期销售额"},
    "largest_other": {"en": "Largest other unit", "zh": "最大的其他单元"},
    "period": {"en": "Period", "zh": "期间"},
    "product_name": {"en": "Product name", "zh": "商品名称"},
    "quadrant_market": {"en": "Quadrant, market data", "zh": "象限（市场数据）"},
    "quadrant_proxy": {"en": "Quadrant, proxy", "zh": "象限（代理指标）"},
})


def quadrant_name(quadrant: str, lang: str = "en") -> str:
    """A quadrant's name in ``lang`` ("cash_cow" → "cash cow" / "现金牛")."""
    return text(quadrant, lang, LABELS)


def strategy(quadrant: str, lang: str = "en") -> str:
    """The strategy hint of a quadrant, e.g. ``"hold (or harvest)"`` / ``"维持（或收获）"``."""
    check_lang(lang)
    if quadrant not in STRATEGY:
        raise ParameterError(f"quadrant={quadrant!r} is unknown; use one of {', '.join(QUADRANTS)}.")
    main, alt, *_ = STRATEGY[quadrant]
    if alt is None:
        return text(main, lang, LABELS)
    return (f"{text(main, lang, LABELS)} (or {text(alt, lang, LABELS)})" if lang == "en"
            else f"{text(main, lang, LABELS)}（或{text(alt, lang, LABELS)}）")


def _rs(x: float) -> str:
    """A relative share: 2 decimals, 3 significant digits below 0.1 (0.0123, not 0.01)."""
    return f"{x:.2f}" if abs(x) >= 0.1 else f"{x:.3g}"


def _count_phrase(n: int, q: str, lang: str) -> str:
    if lang == "zh":
        return f"{n} 个{text(q, 'zh', LABELS)}"
    names = {"star": ("star", "stars"), "cash_cow": ("cash cow", "cash cows"),
             "question_mark": ("question mark", "question marks"), "dog": ("dog", "dogs")}[q]
    return f"{n} {names[0] if n == 1 else names[1]}"


def _display_name(row: dict, unit: str, lang: str) -> str:
    name = unit_name(row[unit], lang)
    pn = row.get("product_name")
    return f"{name} ({pn})" if isinstance(pn, str) and pn.strip() else name


def unit_name(v: Any, lang: str = "en") -> str:
    """A unit's name in ``lang`` (the demo categories translated, other names as they are)."""
    return str(label_value(str(v), lang))


def notes(result: BCGResult, lang: str = "en") -> list[str]:
    """What the proxy changed to fit the data: a grouping the data lack, a period length chosen."""
    check_lang(lang)
    out = []
    if result.basis != "proxy":
        return out
    if result.requested_unit and result.requested_unit != result.unit:
        a = (_UNIT_WORDS(result.requested_unit, "en"), _UNIT_WORDS(result.requested_unit, "zh"))
        b = (_UNIT_WORDS(result.unit, "en"), _UNIT_WORDS(result.unit, "zh"))
        out.append(f"The data have no {result.requested_unit!r} column, so the proxy groups the sales by "
                   f"{b[0]} ({result.unit}) instead of by {a[0]}." if lang == "en" else
                   f"数据中没有“{result.requested_unit}”列，因此代理矩阵改按{b[1]}（{result.unit}）而不是按{a[1]}分组。")
    lost = [x for x in result.left_out if x.endswith(f"({result.period})")]
    if lost:
        out.append(f"{len(lost):,} units sold nothing in {result.period} or in the period before, so they have no growth "
                   f"and are left out." if lang == "en" else
                   f"有 {len(lost):,} 个业务单元在 {result.period} 期或上一期没有销售，无法计算增长率，未列入矩阵。")
    if result.freq_chosen and result.freq in _FREQ_WORDS:
        w = (_FREQ_WORDS[result.freq]["en"], _FREQ_WORDS[result.freq]["zh"])
        out.append(f"Periods are {w[0]}: the longest period of which the data hold two complete ones before the "
                   f"snapshot date." if lang == "en" else
                   f"期间按{w[1]}划分：这是数据在截止日前至少包含两个完整期间的最长期间长度。")
    return out


def interpret(result: BCGResult, *, lang: str = "en", top: int | None = None) -> list[str]:
    """Sentences generated from the numbers: the portfolio, each unit with its hint (the ``top``
    largest by revenue when given), the moves, and for the proxy what it is and what was changed."""
    check_lang(lang)
    t, u = result.table, result.unit
    out = list(notes(result, lang))
    summ = result.summary()
    counts = [_count_phrase(int(r.units), r.quadrant, lang) for r in summ.itertuples()]
    has_rev = "revenue" in t and t["revenue"].sum() > 0
    if lang == "en":
        when = "" if result.period == "current" else f"In {result.period}, "
        s = f"{when}{len(t):,} units: {', '.join(counts[:-1])} and {counts[-1]}."
        s = s[0].upper() + s[1:]
        if has_rev:
            sh = {r.quadrant: r.revenue_share for r in summ.itertuples()}
            s += (f" Stars bring {sh['star']:.1%} of revenue, cash cows {sh['cash_cow']:.1%}, question marks "
                  f"{sh['question_mark']:.1%} and dogs {sh['dog']:.1%}.")
        s += (f" Thresholds: growth {result.growth_threshold:.1%} ({result.growth_rule}), relative share "
              f"{_rs(result.share_threshold)} ({result.share_rule}); values on a threshold count as high.")
        if result.growth_threshold <= 0:
            s += " The growth threshold is not above zero, so \"high growth\" here includes units whose sales shrink."
    else:
        when = "" if result.period == "current" else f"{result.period} 期"
        s = f"{when}共 {len(t):,} 个业务单元：{'、'.join(counts)}。"
        if has_rev:
            sh = {r.quadrant: r.revenue_share for r in summ.itertuples()}
            s += (f"明星类贡献 {sh['star']:.1%} 的销售额，现金牛类 {sh['cash_cow']:.1%}，问题类 {sh['question_mark']:.1%}，"
                  f"瘦狗类 {sh['dog']:.1%}。")
        rule = lambda r: "固定值" if r == "fixed" else ("本期中位数" if r.startswith("median") else "本期平均值")  # noqa: E731
        s += (f"分界线：增长率 {result.growth_threshold:.1%}（{rule(result.growth_rule)}），相对份额 "
              f"{_rs(result.share_threshold)}（{rule(result.share_rule)}）；恰好落在分界线上的算作“高”。")
        if result.growth_threshold <= 0:
            s += "增长率分界线不高于零，因此这里的“高增长”也包括销售额下降的单元。"
    out.append(s)
    g_word = (GROWTH_WORDS[result.basis]["en"], GROWTH_WORDS[result.basis]["zh"])
    shown = t if top is None or len(t) <= top else t.head(top)  # the table is sorted by revenue, largest first
    if len(shown) < len(t):
        out.append(f"The {len(shown)} units with the most revenue in {result.period}:" if lang == "en" else
                   f"以下为 {result.period} 期销售额最高的 {len(shown)} 个业务单元：")
    for r in shown.itertuples(index=False):
        d = r._asdict()
        q = d["quadrant"]
        main, alt, note_en, note_zh = STRATEGY[q]
        if q == "star" and round(d["relative_share"], _ROUND) < 1:
            # high share by a median/mean threshold is not the lead: the unit is not the largest
            note_en, note_zh = NOTES["star_not_lead"]["en"], NOTES["star_not_lead"]["zh"]
        if result.basis == "proxy":
            note_en = note_en.replace("while the market grows", "while its sales grow")
            note_zh = note_zh.replace("在市场增长中", "在销售增长中")
        name = _display_name(d, u, lang)
        if lang == "en":
            out.append(f"{name} is a {text(q, 'en', LABELS)} ({g_word[0]} {d['growth']:.1%}, relative share "
                       f"{_rs(d['relative_share'])}): {strategy(q, 'en')} — {note_en}.")
        else:
            out.append(f"{name} 属于{text(q, 'zh', LABELS)}类（{g_word[1]} {d['growth']:.1%}，相对份额 "
                       f"{_rs(d['relative_share'])}）：{strategy(q, 'zh')}——{note_zh}。")
    if result.previous is not None and "previous_quadrant" in t:
        moved_all = t[t["previous_quadrant"].notna() & (t["previous_quadrant"] != t["quadrant"])]
        moved = moved_all[moved_all[u].isin(shown[u])]
        for r in moved.itertuples(index=False):
            d = r._asdict()
            a, b = d["previous_quadrant"], d["quadrant"]
            name = unit_name(d[u], lang)
            out.append(f"{name} moved from {text(a, 'en', LABELS)} to {text(b, 'en', LABELS)} since {result.previous}."
                       if lang == "en" else f"{name} 由 {result.previous} 期的{text(a, 'zh', LABELS)}类变为{text(b, 'zh', LABELS)}类。")
        others = len(moved_all) - len(moved)
        if others:
            out.append(f"{others:,} of the other units changed quadrant since {result.previous}." if lang == "en"
                       else f"与 {result.previous} 期相比，其余业务单元中有 {others:,} 个改变了象限。")
        if moved_all.empty:
            out.append(f"No unit changed quadrant since {result.previous}." if lang == "en"
                       else f"自 {result.previous} 以来没有业务单元改变象限。")
    if result.basis == "proxy":
        out.append("Caution: this is a proxy from the firm's own sales — growth is the unit's own revenue growth, not the "
                   "market's, and relative share compares units inside the firm, not against competitors."
                   if lang == "en" else
                   "注意：这是基于企业自身销售数据的代理指标——增长率是该单元自身销售额的增长，而非市场增长率；"
                   "相对份额是企业内部各单元之间的比较，而非与竞争对手比较。")
    return out


def compare_sentences(market: BCGResult, proxy: BCGResult, lang: str = "en") -> list[str]:
    """How far the proxy agrees with the market view, on the units both contain."""
    check_lang(lang)
    a = market.table.set_index(market.unit)["quadrant"]
    b = proxy.table.set_index(proxy.unit)["quadrant"]
    common = [u for u in a.index if u in b.index]
    if not common:
        return ["The market file and the transactions share no unit, so the proxy cannot be checked against the "
                "market view." if lang == "en" else "市场数据与交易数据没有共同的业务单元，无法用市场视角检验代理矩阵。"]
    differ = [u for u in common if a[u] != b[u]]
    if not differ:
        return [f"The proxy puts all {len(common)} shared units in the same quadrant as the market data." if lang == "en"
                else f"共有的 {len(common)} 个业务单元在代理矩阵中的象限与市场数据完全一致。"]
    names = [unit_name(u, lang) for u in differ]
    if lang == "en":
        return [f"The proxy disagrees with the market data on {len(differ)} of {len(common)} units "
                f"({', '.join(names)}): for these the firm's own sales tell a different story from the market."]
    return [f"在共有的 {len(common)} 个业务单元中，代理矩阵与市场数据有 {len(differ)} 个象限不一致"
            f"（{'、'.join(names)}）：这些单元的自身销售表现与市场情况并不相符。"]


def describe_data(tx: Any, asof: Any, market_file: Any, lang: str = "en") -> list[str]:
    """Sentences on the data a BCG report uses: the transactions' span and snapshot, the market file."""
    check_lang(lang)
    from crmcore.runner.nbtools import data_range

    first, last = data_range(tx)
    n = len(tx) if isinstance(tx, pd.DataFrame) else None
    rows = f"{n:,} transaction lines" if n is not None else "transactions"
    if lang == "en":
        out = [f"{rows} from {pd.Timestamp(first):%Y-%m-%d} to {pd.Timestamp(last):%Y-%m-%d}; snapshot date {asof}."]
        out.append(f"Market data: {Path(market_file).name}." if market_file else
                   "No market data for these transactions (the demo market file describes the demo retailer only), "
                   "so only the proxy from the firm's own sales is shown.")
    else:
        rows = f"{n:,} 行交易明细" if n is not None else "交易数据"
        out = [f"{rows}，时间从 {pd.Timestamp(first):%Y-%m-%d} 到 {pd.Timestamp(last):%Y-%m-%d}；截止日 {asof}。"]
        out.append(f"市场数据：{Path(market_file).name}。" if market_file else
                   "这批交易数据没有对应的市场数据（演示市场文件只描述演示零售商），因此只展示基于企业自身销售的代理矩阵。")
    return out
