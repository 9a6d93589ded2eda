"""The words of crmcore.fivew2h: the question bank, labels and headers, and the sentences built from the answers.

The 5W2H question bank (seven questions, their sub-questions and the columns that answer each) is written
here, its words in :class:`crmcore.labels.Catalogue` tables (``{"key": {"en": ..., "zh": ...}}``) like every
other table of words; the functions write what a :class:`crmcore.strategy.fivew2h.FiveW2HResult` can and cannot
answer and the actions its numbers suggest. :mod:`crmcore.strategy.fivew2h` imports this module and re-exports
its public names (``fivew2h.KEYS``, ``fivew2h.COLUMNS``, ``fivew2h.coverage`` …).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from crmcore.labels import WEEKDAYS, Catalogue, check_lang, column, text, value

if TYPE_CHECKING:
    from crmcore.strategy.fivew2h import FiveW2HResult

# --------------------------------------------------------------------------------------------
# The question bank
# --------------------------------------------------------------------------------------------

ANSWERABLE, PARTLY, NOT_ANSWERABLE = "answerable", "partly", "not answerable"
#: pseudo-column: order_date carries a time of day (not every line at midnight)
TIME_OF_DAY = "time_of_day"


@dataclass(frozen=True)
class Item:
    """One sub-question; ``needs`` are the columns that answer it, None = ask customers (survey)."""

    key: str
    en: str
    zh: str
    needs: tuple[str, ...] | None


@dataclass(frozen=True)
class Question:
    key: str
    en: str
    zh: str
    items: tuple[Item, ...]


QUESTION_WORDS = Catalogue("fivew2h.questions", {
    "what": {"en": "What", "zh": "买什么"},
    "who": {"en": "Who", "zh": "谁买"},
    "when": {"en": "When", "zh": "何时买"},
    "where": {"en": "Where", "zh": "在哪买"},
    "how_much": {"en": "How much", "zh": "买多少"},
    "how": {"en": "How", "zh": "如何买"},
    "why": {"en": "Why", "zh": "为什么"},
})

ITEM_WORDS = Catalogue("fivew2h.items", {
    "what_categories": {"en": "Which categories do they buy, and which sell most?",
                        "zh": "买哪些品类？哪些品类卖得最多？"},
    "what_products": {"en": "Which products do they buy, and which sell most?",
                      "zh": "买哪些商品？哪些商品卖得最多？"},
    "what_needs": {"en": "What needs does the purchase meet, and which is the core need?",
                   "zh": "顾客有哪些需求？核心需求是什么？"},
    "what_factors": {"en": "What are the key purchase factors?",
                     "zh": "关键购买因素是什么？"},
    "who_initiates": {"en": "Who wants it (initiator)?",
                      "zh": "谁想买（发起者）？"},
    "who_informs": {"en": "Who gathers the information?",
                    "zh": "谁收集信息？"},
    "who_decides": {"en": "Who decides?",
                    "zh": "谁做决定（决策者）？"},
    "who_buys": {"en": "Who buys: new or returning customers, and how concentrated is their value?",
                 "zh": "谁购买（购买者）：新客还是老客？价值集中在哪些客户？"},
    "who_influences": {"en": "Who influences the decision?",
                       "zh": "谁影响购买（影响者）？"},
    "who_uses": {"en": "Who uses it?",
                 "zh": "谁使用（使用者）？"},
    "when_time": {"en": "On which weekday and at what hour do they buy?",
                  "zh": "哪天、几点购买？"},
    "when_repurchase": {"en": "How long until they buy again?",
                        "zh": "隔多久再次购买？"},
    "when_use": {"en": "When is it used, and how long does it last?",
                 "zh": "何时使用？能用多久？"},
    "where_channel": {"en": "Through which channel do they buy?",
                      "zh": "通过什么渠道购买？"},
    "where_region": {"en": "In which region, and with what regional traits?",
                     "zh": "在哪个区域购买？区域有什么特点？"},
    "where_place": {"en": "At which place or occasion (store, site, event)?",
                    "zh": "在什么地点、场合购买？"},
    "how_much_basket": {"en": "How much per order (items, order value)?",
                        "zh": "每次买多少？客单价多少？"},
    "how_much_frequency": {"en": "How often do they buy?",
                           "zh": "买几次？多久买一次？"},
    "how_much_price": {"en": "At what price points?",
                       "zh": "在什么价位购买？"},
    "how_way": {"en": "Which way of buying (store, online, app)?",
                "zh": "以什么方式购买（门店、网上、小程序）？"},
    "how_payment": {"en": "How do they pay?",
                    "zh": "如何支付？"},
    "how_process": {"en": "What is the buying process (search, compare, order, delivery)?",
                    "zh": "购买流程是怎样的（搜索、比较、下单、配送）？"},
    "why_promo": {"en": "Do promotions make them buy?",
                  "zh": "促销是否促成购买？"},
    "why_price": {"en": "How sensitive are they to price?",
                  "zh": "对价格是否敏感？"},
    "why_reasons": {"en": "Why do they buy (motives, reasons)?",
                    "zh": "为什么购买（动机、原因）？"},
})

#: question → its sub-questions and the columns that answer each (None: ask customers)
_BANK: tuple[tuple[str, tuple[tuple[str, tuple[str, ...] | None], ...]], ...] = (
    ("what", (
        ("what_categories", ("category",)),
        ("what_products", ("product_id",)),
        ("what_needs", None),
        ("what_factors", None),
    )),
    ("who", (
        ("who_initiates", None),
        ("who_informs", None),
        ("who_decides", None),
        ("who_buys", ("customer_id", "order_date")),
        ("who_influences", None),
        ("who_uses", None),
    )),
    ("when", (
        ("when_time", ("order_date", TIME_OF_DAY)),
        ("when_repurchase", ("customer_id", "order_date")),
        ("when_use", None),
    )),
    ("where", (
        ("where_channel", ("channel",)),
        ("where_region", ("region",)),
        ("where_place", None),
    )),
    ("how_much", (
        ("how_much_basket", ("order_id", "quantity", "amount")),
        ("how_much_frequency", ("customer_id", "order_id")),
        ("how_much_price", ("unit_price",)),
    )),
    ("how", (
        ("how_way", ("channel",)),
        ("how_payment", ("payment",)),
        ("how_process", None),
    )),
    ("why", (
        ("why_promo", ("is_promo",)),
        ("why_price", ("product_id", "unit_price")),
        ("why_reasons", None),
    )),
)

QUESTIONS: tuple[Question, ...] = tuple(
    Question(k, QUESTION_WORDS[k]["en"], QUESTION_WORDS[k]["zh"],
             tuple(Item(i, ITEM_WORDS[i]["en"], ITEM_WORDS[i]["zh"], needs) for i, needs in items))
    for k, items in _BANK)
KEYS = tuple(q.key for q in QUESTIONS)
_BY_KEY = {q.key: q for q in QUESTIONS}

# --------------------------------------------------------------------------------------------
# Labels and headers
# --------------------------------------------------------------------------------------------

LABELS = Catalogue("fivew2h.labels", {
    ANSWERABLE: {"en": "answerable", "zh": "可回答"},
    PARTLY: {"en": "partly", "zh": "部分可回答"},
    NOT_ANSWERABLE: {"en": "not answerable", "zh": "无法回答"},
    "survey": {"en": "ask customers (survey, interview)", "zh": "需调研（问卷、访谈）"},
    "data": {"en": "transactions", "zh": "交易数据"},
    "missing": {"en": "missing", "zh": "缺少"},
    TIME_OF_DAY: {"en": "time of day in order_date", "zh": "order_date 中的时刻"},
    "new": {"en": "new", "zh": "新客"},
    "returning": {"en": "returning", "zh": "老客（回头客）"},
    "top20": {"en": "top 20% of customers", "zh": "前20%客户"},
    "next30": {"en": "next 30%", "zh": "中间30%"},
    "bottom50": {"en": "bottom 50%", "zh": "后50%"},
    "promo": {"en": "promotion", "zh": "促销"},
    "regular": {"en": "regular price", "zh": "正价"},
    "people": {"en": "people", "zh": "人"},
    "goods": {"en": "goods", "zh": "货"},
    "place": {"en": "place", "zh": "场"},
    "payment": {"en": "payment", "zh": "支付方式"},
    "hour": {"en": "hour", "zh": "时段"},
    "days": {"en": "days between purchases", "zh": "两次购买间隔（天）"},
    "orders_per_customer": {"en": "orders per customer", "zh": "每位客户订单数"},
    "order_value": {"en": "order value", "zh": "订单金额"},
    "price_band": {"en": "unit price band", "zh": "单价区间"},
    "rel_price": {"en": "price vs reference", "zh": "相对参考价"},
    "qty_per_line": {"en": "units per line", "zh": "每行件数"},
    "share_of_orders": {"en": "share of orders", "zh": "订单占比"},
    "share_of_customers": {"en": "share of customers", "zh": "客户占比"},
    "title": {"en": "5W2H of customer purchases", "zh": "顾客购买行为 5W2H 分析"},
    "no_data": {"en": "not answerable from these columns", "zh": "现有数据列无法回答"},
})

#: metric labels of the people–goods–place table
PGP_LABELS = Catalogue("fivew2h.pgp", {
    "active_customers": {"en": "customers in the window", "zh": "期内购买客户数"},
    "new_share": {"en": "new customers' share", "zh": "新客占比"},
    "top20_revenue_share": {"en": "revenue share of the top 20% of customers", "zh": "前20%客户的销售额占比"},
    "orders_per_customer": {"en": "orders per customer", "zh": "人均订单数"},
    "revenue_per_customer": {"en": "revenue per customer", "zh": "人均消费金额"},
    "products_sold": {"en": "products sold", "zh": "在售商品数"},
    "categories": {"en": "categories", "zh": "品类数"},
    "top_category": {"en": "top category (revenue share)", "zh": "第一品类（销售额占比）"},
    "top_product": {"en": "top product (revenue share)", "zh": "第一商品（销售额占比）"},
    "average_unit_price": {"en": "average unit price", "zh": "平均件单价"},
    "promo_revenue_share": {"en": "promotion revenue share", "zh": "促销销售额占比"},
    "average_order_value": {"en": "average order value", "zh": "客单价"},
    "channels": {"en": "channels", "zh": "渠道数"},
    "top_channel": {"en": "top channel (revenue share)", "zh": "第一渠道（销售额占比）"},
    "regions": {"en": "regions", "zh": "区域数"},
    "top_region": {"en": "top region (revenue share)", "zh": "第一区域（销售额占比）"},
    "peak_slot": {"en": "busiest weekday and hour", "zh": "最繁忙的时段"},
})


#: Chinese names of canonical columns that crmcore.labels.COLUMNS does not list
_COLUMN_ZH = Catalogue("fivew2h.column_names", {
    "is_promo": {"en": "is_promo", "zh": "促销标记"}, "list_price": {"en": "list_price", "zh": "标价"},
    "is_return": {"en": "is_return", "zh": "退货标记"}, "amount": {"en": "amount", "zh": "金额"},
})

#: plot titles, by chart
_TITLES = Catalogue("fivew2h.titles", {
    "categories": {"en": "revenue share by category", "zh": "各品类销售额占比"},
    "products": {"en": "revenue share of the top products", "zh": "畅销商品销售额占比"},
    "new_returning": {"en": "new vs returning customers in the window", "zh": "观察期内的新客与老客"},
    "tiers": {"en": "customer value tiers (top 20% / next 30% / bottom 50%)", "zh": "客户价值分层（前20% / 中间30% / 后50%）"},
    "heatmap": {"en": "orders by weekday and hour", "zh": "各星期、各时段订单数"},
    "intervals": {"en": "days between purchases", "zh": "两次购买间隔（天）"},
    "channel": {"en": "revenue share by channel", "zh": "各渠道销售额占比"},
    "region": {"en": "revenue share by region", "zh": "各区域销售额占比"},
    "frequency": {"en": "customers by orders per customer", "zh": "按购买次数分的客户占比"},
    "basket": {"en": "orders by order value", "zh": "按订单金额分的订单占比"},
    "price": {"en": "revenue by unit price band", "zh": "各单价区间销售额占比"},
    "mix": {"en": "payment mix within each channel", "zh": "各渠道的支付方式构成"},
    "ways": {"en": "share of orders by way of buying", "zh": "各购买方式的订单占比"},
    "rel_price": {"en": "units per line by price vs reference", "zh": "不同相对价格下的每行件数"},
    "promo": {"en": "units per line, promotion vs regular price", "zh": "促销与正价的每行件数"},
})

#: headers of the answer tables (``crm.show(..., columns=fivew2h.COLUMNS)``), beside crmcore.labels.COLUMNS
COLUMNS = Catalogue("fivew2h.columns", {
    "label": {"en": "Question", "zh": "问题"},
    "status_label": {"en": "Status", "zh": "能否回答"},
    "missing_columns": {"en": "Missing columns", "zh": "缺少的数据列"},
    "headline": {"en": "Finding", "zh": "结论"},
    "n_survey": {"en": "Sub-questions for a survey", "zh": "需调研的子问题数"},
    "text": {"en": "Sub-question", "zh": "子问题"},
    "source": {"en": "Source", "zh": "数据来源"},
    "columns": {"en": "Columns", "zh": "所需数据列"},
    "group": {"en": "Group", "zh": "客户类型"},
    "tier": {"en": "Tier", "zh": "价值层级"},
    "cumulative_share": {"en": "Cumulative share", "zh": "累计占比"},
    "customer_share": {"en": "Share of customers", "zh": "客户占比"},
    "share_of_customers": {"en": "Share of customers", "zh": "客户占比"},
    "share_of_orders": {"en": "Share of orders", "zh": "订单占比"},
    "share_of_lines": {"en": "Share of lines", "zh": "商品行占比"},
    "orders_per_customer": {"en": "Orders per customer", "zh": "人均订单数"},
    "revenue_per_customer": {"en": "Revenue per customer", "zh": "人均消费金额"},
    "days": {"en": "Days between purchases", "zh": "购买间隔（天）"},
    "intervals": {"en": "Intervals", "zh": "间隔数"},
    "order_value": {"en": "Order value", "zh": "订单金额"},
    "price_band": {"en": "Unit price band", "zh": "单价区间"},
    "relative_price": {"en": "Price vs reference", "zh": "相对参考价"},
    "units_per_line": {"en": "Units per line", "zh": "每行件数"},
    "mean_rel_price": {"en": "Mean price vs reference", "zh": "平均相对价格"},
    "dimension_label": {"en": "Dimension", "zh": "维度"},
    "metric_label": {"en": "Measure", "zh": "指标"},
    "shown": {"en": "Value", "zh": "数值"},
    "payment": {"en": "Payment", "zh": "支付方式"},
    "price_type": {"en": "Price", "zh": "价格类型"},
    "asof": {"en": "Snapshot date (asof)", "zh": "分析截止日（asof）"},
})


#: headers of the code columns of FiveW2HResult.to_frame(lang)
RESULT_COLUMNS = Catalogue("fivew2h.result_columns", {
    "question": {"en": "Question key", "zh": "问题代码"}, "status": {"en": "Status key", "zh": "状态代码"},
})

#: sentences an answer says when its data cannot show something
NOTES = Catalogue("fivew2h.notes", {
    "no_repurchase": {"en": "No customer bought on two different days, so there are no repurchase intervals.",
                      "zh": "没有客户在两个不同的日子购买，因此没有再购间隔。"},
    "no_time": {"en": "The dates carry no time of day, so hours cannot be compared.",
                "zh": "日期不含时刻，无法比较时段。"},
    "prices_flat": {"en": "Prices hardly vary within products, so price sensitivity cannot be read from these data.",
                    "zh": "同一商品的价格几乎没有变化，无法从数据看出价格敏感度。"},
    "evidence_only": {"en": "This is evidence; the reasons themselves need asking customers.",
                      "zh": "以上只是证据，真正的购买原因需要向顾客调研。"},
})


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


_DEMO_PRODUCT = re.compile(r"^(.+) item (\d+)$")


def _v(x: Any, lang: str) -> str:
    """A data value for a sentence or table in ``lang``: the demo data's channel, payment, region and
    category names (and demo product names such as "Lighting item 5" → "灯具 5 号商品") translated; a
    user's own values unchanged."""
    x = str(x)
    if lang == "zh":
        m = _DEMO_PRODUCT.match(x)
        if m and value(m.group(1), "zh") != m.group(1):
            return f"{value(m.group(1), 'zh')} {m.group(2)} 号商品"
    return str(value(x, lang))


def qlabel(key: str, lang: str = "en") -> str:
    """The heading of a question in ``lang``: "What (买什么)" in English, "买什么" in Chinese."""
    check_lang(lang)
    q = _BY_KEY[key]
    return q.zh if lang == "zh" else f"{q.en} ({q.zh})"


def _cols(names, lang: str) -> str:
    """Column names as a reader reads them: code names in English, Chinese headers in Chinese."""
    if lang == "zh":
        return "、".join(text(c, lang, LABELS) if c == TIME_OF_DAY else column(c, "zh", _COLUMN_ZH) for c in names)
    return ", ".join(text(c, lang, LABELS) if c == TIME_OF_DAY else c for c in names)


# ------------------------------------------------------------------ the headlines of the seven answers
def what_categories(top_cat: str, tied: list[str], facts: Mapping[str, Any], k: int, n_categories: int,
                    lang: str) -> str:
    """What: the top category (or the tied ones) and the share of the top ``k``."""
    if tied:  # equal revenue: no single top category
        lead = {"en": f"{top_cat} and {', '.join(tied)} tie as the top category with {facts['top_category_share']:.1%} "
                      "of revenue each",
                "zh": f"{top_cat}与{'、'.join(tied)}并列第一品类，各占销售额 {facts['top_category_share']:.1%}"}[lang]
    else:
        lead = {"en": f"{top_cat} is the top category with {facts['top_category_share']:.1%} of revenue",
                "zh": f"{top_cat}是第一品类，占销售额 {facts['top_category_share']:.1%}"}[lang]
    if k < n_categories:
        lead += {"en": f"; the top {k} of {n_categories} categories bring {facts['top3_category_share']:.1%}.",
                 "zh": f"；{n_categories} 个品类中前 {k} 个合计占 {facts['top3_category_share']:.1%}。"}[lang]
    else:  # "the top 3 bring 100%" would say nothing: there are only k categories
        lead += {"en": f" (of {n_categories} categories).", "zh": f"（共 {n_categories} 个品类）。"}[lang]
    return lead


def what_products(name: str, n_tied: int, facts: Mapping[str, Any], n: int, n_products: int, lang: str) -> str:
    """What: the best-selling product (or the tied ones) and the share of the top ``n``."""
    if n_tied:
        head = {"en": f"{n_tied + 1} products tie as the best seller, {name} among them ({facts['top_product_share']:.1%} "
                      "of revenue each)",
                "zh": f"{n_tied + 1} 个商品并列最畅销（包括{name}，各占销售额 {facts['top_product_share']:.1%}）"}[lang]
    else:
        head = {"en": f"The best-selling product is {name} ({facts['top_product_share']:.1%} of revenue)",
                "zh": f"最畅销的商品是{name}（占销售额 {facts['top_product_share']:.1%}）"}[lang]
    if n < n_products:
        head += {"en": f"; the top {n} of {n_products:,} products bring {facts['top_n_product_share']:.1%}.",
                 "zh": f"；{n_products:,} 个商品中前 {n} 个合计占 {facts['top_n_product_share']:.1%}。"}[lang]
    else:
        head += {"en": f" (of {n_products:,} products).", "zh": f"（共 {n_products:,} 个商品）。"}[lang]
    return head


def who_headline(asof, window_days: int, facts: Mapping[str, Any], n_new: int, n_ret: int, n: int,
                 one_time: float, lang: str) -> str:
    """Who: new and returning customers in the window, the top 20%, the one-time buyers."""
    return {"en": f"In the {window_days} days before {asof:%Y-%m-%d}, {facts['active_customers']:,} customers bought: "
                  f"{n_new:,} new ({facts['new_share']:.1%}) and {n_ret:,} returning, who brought "
                  f"{facts['returning_revenue_share']:.1%} of the period's revenue. The top 20% of all {n:,} customers "
                  f"bring {facts['top20_revenue_share']:.1%} of revenue; {one_time:.1%} bought only once.",
            "zh": f"{asof:%Y-%m-%d} 前 {window_days} 天内有 {facts['active_customers']:,} 位客户购买："
                  f"新客 {n_new:,} 位（{facts['new_share']:.1%}），老客 {n_ret:,} 位，老客贡献该期销售额的 "
                  f"{facts['returning_revenue_share']:.1%}。全部 {n:,} 位客户中前20%贡献 "
                  f"{facts['top20_revenue_share']:.1%} 的销售额；{one_time:.1%} 的客户只买过一次。"}[lang]


def who_caution(data_start, history: int, lang: str) -> str:
    """Who: the data begin too late for every "new" customer to be new (left-censoring)."""
    return {"en": f" Caution: the data begin on {data_start:%Y-%m-%d}, only {max(history, 0)} days before the window, "
                  "so some 'new' customers may have bought before the data start; shorten window_days.",
            "zh": f" 注意：数据始于 {data_start:%Y-%m-%d}，距观察期开始仅 {max(history, 0)} 天，部分“新客”可能在数据开始前"
                  "就已购买；可缩短 window_days。"}[lang]


def when_peak(wd: str, h: int, slot: str, facts: Mapping[str, Any], lang: str) -> str:
    """When: the busiest weekday, hour and slot."""
    return {"en": f"{wd} is the busiest weekday ({facts['peak_weekday_share']:.1%} of orders; weekend "
                  f"{facts['weekend_share']:.1%}) and {h:02d}:00–{h + 1:02d}:00 the busiest hour "
                  f"({facts['peak_hour_share']:.1%}); the peak slot is {slot}.",
            "zh": f"{wd}订单最多（占 {facts['peak_weekday_share']:.1%}，周末合计 {facts['weekend_share']:.1%}），"
                  f"{h:02d}:00–{h + 1:02d}:00 是最忙的时段（{facts['peak_hour_share']:.1%}）；高峰为 {slot}。"}[lang]


def when_repurchase(med: float, within30: float, n_gaps: int, facts: Mapping[str, Any], lang: str) -> str:
    """When: how long until customers buy again."""
    return {"en": f"Repeat purchases come a median {med:.0f} days apart (mean {facts['mean_interval_days']:.0f}); "
                  f"{within30:.1%} of {n_gaps:,} intervals are 30 days or less.",
            "zh": f"再次购买的间隔中位数为 {med:.0f} 天（平均 {facts['mean_interval_days']:.0f} 天）；"
                  f"{n_gaps:,} 个间隔中 {within30:.1%} 不超过30天。"}[lang]


def where_part(top_v: str, hi_v: str, same: bool, aov: str, lab: str, share: float, n_values: int, lang: str) -> str:
    """Where: the largest channel or region and where the average order value is highest."""
    if same:  # the largest is also the dearest: say so, not "highest in" the same name
        tail = {"en": f"; it also has the highest average order value ({aov}).", "zh": f"；它的客单价也最高（{aov}）。"}
    else:
        tail = {"en": f"; the average order value is highest in {hi_v} ({aov}).", "zh": f"；客单价最高的是{hi_v}（{aov}）。"}
    return ({"en": f"{top_v} is the largest {lab} ({share:.1%} of revenue, {n_values} {lab}{'s' if n_values != 1 else ''})",
             "zh": f"{top_v}是销售额最大的{lab}（占 {share:.1%}，共 {n_values} 个{lab}）"}[lang]
            + tail[lang])


def how_much_basket(facts: Mapping[str, Any], freq_mean: float, monetary_mean: float, lang: str) -> str:
    """How much: the average order, and how often a customer bought and spent (F and M of RFM)."""
    return {"en": f"An order averages {facts['mean_order_value']:,.2f} (median {facts['median_order_value']:,.2f}) with "
                  f"{facts['mean_items']:.1f} items on {facts['mean_lines']:.1f} lines. A customer bought "
                  f"{freq_mean:.1f} times and spent {monetary_mean:,.2f} on average ({facts['one_order_share']:.1%} "
                  f"only once) — How much is the F (frequency) and M (monetary) of RFM.",
            "zh": f"平均每单 {facts['mean_order_value']:,.2f}（中位数 {facts['median_order_value']:,.2f}），"
                  f"{facts['mean_items']:.1f} 件、{facts['mean_lines']:.1f} 个商品行。每位客户平均购买 {freq_mean:.1f} 次、"
                  f"消费 {monetary_mean:,.2f}（{facts['one_order_share']:.1%} 只买过一次）——买多少就是 RFM 中的"
                  f" F（消费频率）和 M（消费金额）。"}[lang]


def how_much_price(facts: Mapping[str, Any], top: Mapping[str, Any], lang: str) -> str:
    """How much: the median unit price and the price band that brings the most revenue."""
    return {"en": f"Half of the lines are priced below about {facts['median_unit_price']:,.2f}; the "
                  f"{top['price_band']} band brings the most revenue ({top['revenue_share']:.1%}).",
            "zh": f"约一半商品行的单价低于 {facts['median_unit_price']:,.2f}；单价 {top['price_band']} 区间贡献的"
                  f"销售额最多（{top['revenue_share']:.1%}）。"}[lang]


def how_payment(pv: str, facts: Mapping[str, Any], lang: str) -> str:
    """How: the most used payment."""
    return {"en": f"{pv} is the most used payment ({facts['top_payment_share']:.1%} of orders).",
            "zh": f"最常用的支付方式是{pv}（占订单 {facts['top_payment_share']:.1%}）。"}[lang]


def how_channel_payment(bc: str, bp: str, best: Mapping[str, Any], lang: str) -> str:
    """How: the channel whose orders are paid most by one payment."""
    return {"en": f"In {bc} {best['s']:.1%} of orders are paid by {bp}.",
            "zh": f"{bc}渠道中 {best['s']:.1%} 的订单使用{bp}。"}[lang]


def how_channel(cv: str, ch: Mapping[str, Any], lang: str) -> str:
    """How: the most used channel when payment is not recorded."""
    return {"en": f"The most used channel is {cv} ({ch['share_of_orders']:.1%} of orders); "
                  "payment is not recorded.",
            "zh": f"最常用的下单渠道是{cv}（{ch['share_of_orders']:.1%}）；数据中没有支付方式。"}[lang]


def why_promo(facts: Mapping[str, Any], lang: str) -> str:
    """Why: how much promotions weigh, and who buys mostly on promotion."""
    return {"en": f"Promotion lines are {facts['promo_line_share']:.1%} of lines and {facts['promo_revenue_share']:.1%} "
                  f"of revenue, with {facts['units_per_line_promo']:.2f} units per line against "
                  f"{facts['units_per_line_regular']:.2f} at regular price; "
                  f"{facts['promotion_driven_customer_share']:.1%} of customers spend at least half on promotions.",
            "zh": f"促销商品行占 {facts['promo_line_share']:.1%}、销售额占 {facts['promo_revenue_share']:.1%}，"
                  f"每行 {facts['units_per_line_promo']:.2f} 件，正价为 {facts['units_per_line_regular']:.2f} 件；"
                  f"{facts['promotion_driven_customer_share']:.1%} 的客户一半以上的消费花在促销品上。"}[lang]


def why_price(ref_kind: str, facts: Mapping[str, Any], lift: float, e: float, lang: str) -> str:
    """Why: units per line on discounted lines against the reference price (an association, not a cause)."""
    ref_txt = {"en": "list price" if ref_kind == "list_price" else "the product's median price",
               "zh": "标价" if ref_kind == "list_price" else "该商品的价格中位数"}[lang]
    return {"en": f"On lines sold at least 5% below {ref_txt} ({facts['discount_line_share']:.1%} of lines) "
                  f"customers buy {abs(lift):.1%} {'more' if lift >= 0 else 'fewer'} units per line (arc elasticity {e:.2f}) — an association, "
                  "not a cause: who buys at a discount differs.",
            "zh": f"价格比{ref_txt}低5%以上的商品行（占 {facts['discount_line_share']:.1%}）每行件数"
                  f"{'多' if lift >= 0 else '少'} {abs(lift):.1%}（弧弹性 {e:.2f}）——这是相关而非因果：打折时购买的顾客本身不同。"}[lang]


# ------------------------------------------------------------------ coverage, actions, notes


def _not_answerable(key: str, missing: list[str], lang: str) -> str:
    names = [text(c, lang, LABELS) if c == TIME_OF_DAY else c for c in missing]
    miss = _cols(missing, "zh")
    q = _BY_KEY[key]
    en_miss = names[0] + " column" if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]} column"
    return {"en": f"Not answerable from these data: no {en_miss}. Record it, or ask customers.",
            "zh": f"现有数据无法回答“{q.zh}”：缺少{miss}列。请补充记录，或向顾客调研。"}[lang]


def partly_note(missing: tuple[str, ...], lang: str) -> str:
    """The note a partly answered question's headline ends with: the columns the data lack."""
    return {"en": f" (Partly answered: no {_cols(missing, 'en')} column.)",
            "zh": f"（部分回答：缺少{_cols(missing, 'zh')}列。）"}[lang]


def coverage(result: FiveW2HResult, lang: str = "en") -> list[str]:
    """Sentences on what these data can and cannot answer (counted from the status table, not assumed)."""
    check_lang(lang)
    st = result.status_table.set_index("question")["status"]
    groups = {s: [k for k in KEYS if st[k] == s] for s in (ANSWERABLE, PARTLY, NOT_ANSWERABLE)}
    sep = "、" if lang == "zh" else ", "
    names = {s: sep.join(_BY_KEY[k].zh if lang == "zh" else _BY_KEY[k].en for k in ks) for s, ks in groups.items()}
    n = {s: len(ks) for s, ks in groups.items()}
    if lang == "zh":
        parts = [f"这份数据能完整回答 7 个问题中的 {n[ANSWERABLE]} 个" + (f"（{names[ANSWERABLE]}）" if n[ANSWERABLE] else "")]
        if n[PARTLY]:
            parts.append(f"部分回答 {n[PARTLY]} 个（{names[PARTLY]}）")
        if n[NOT_ANSWERABLE]:
            parts.append(f"无法回答 {n[NOT_ANSWERABLE]} 个（{names[NOT_ANSWERABLE]}）")
        out = ["，".join(parts) + "。"]
        if n[PARTLY] or n[NOT_ANSWERABLE]:
            out.append("缺少的数据列见上表；补充记录这些字段后，报告会自动给出相应结论。")
        out.append("顾客的需求、购买角色（发起者、决策者、影响者、使用者）和购买动机不在任何交易记录中，需要通过问卷或访谈了解。")
        return out
    parts = [f"These data fully answer {n[ANSWERABLE]} of the 7 questions" + (f" ({names[ANSWERABLE]})" if n[ANSWERABLE] else "")]
    if n[PARTLY]:
        parts.append(f"partly answer {n[PARTLY]} ({names[PARTLY]})")
    if n[NOT_ANSWERABLE]:
        parts.append(f"cannot answer {n[NOT_ANSWERABLE]} ({names[NOT_ANSWERABLE]})")
    out = ["; ".join(parts) + "."]
    if n[PARTLY] or n[NOT_ANSWERABLE]:
        out.append("The table above names the missing columns; once they are recorded the report answers those "
                   "questions too.")
    out.append("Needs, buying roles (initiator, decider, influencer, user) and motives are in no transaction file: "
               "ask customers in a survey or interviews.")
    return out


def actions(result: FiveW2HResult, lang: str = "en") -> list[str]:
    """Recommended actions, each tied to a number of the answers (none is said when its number is missing)."""
    check_lang(lang)
    zh = lang == "zh"
    out: list[str] = []
    who, when = result["who"].facts, result["when"].facts
    one = who.get("one_time_share")
    med = when.get("median_interval_days")
    if one is not None and one >= 0.2 and med is not None and not math.isnan(med):
        out.append(f"{one:.1%} 的客户只买过一次：在首购后约 {med:.0f} 天（再购间隔中位数）内安排第二次购买的触达。" if zh else
                   f"{one:.1%} of customers bought only once: follow up a first purchase within about {med:.0f} days "
                   "(the median repurchase interval) to win the second one.")
    top20 = who.get("top20_revenue_share")
    if top20 is not None and top20 >= 0.6:
        out.append(f"前20%客户贡献 {top20:.1%} 的销售额：优先维护这批客户（专属服务、会员权益），并监控他们是否流失。" if zh else
                   f"The top 20% of customers bring {top20:.1%} of revenue: look after them first (service, member "
                   "benefits) and watch them for churn.")
    if "peak_slot" in when:
        wd, hh = when["peak_slot"].split(" ")
        slot = f"{WEEKDAYS[lang][WEEKDAYS['en'].index(wd)]} {hh}"
        out.append(f"把营销推送和人手安排集中在订单高峰 {slot} 前后。" if zh else
                   f"Time campaigns and staffing around the order peak, {slot}.")
    missing = sorted({c for k in KEYS for c in result[k].missing_columns})
    if missing:
        out.append(f"开始记录{_cols(missing, 'zh')}，以便回答目前无法回答的问题。" if zh else
                   f"Start recording {_cols(missing, 'en')} so the questions these data cannot answer get answered.")
    out.append("用一份简短问卷了解顾客的需求、购买角色和购买动机——交易数据回答不了“为什么”。" if zh else
               "Run a short customer survey on needs, buying roles and motives — transactions cannot say why.")
    return out


def returns_sentences(n: int, value: float, share: float, lang: str = "en") -> list[str]:
    """The sentence of :func:`crmcore.strategy.fivew2h.returns_note`: ``n`` return lines worth ``value``,
    ``share`` of the sales value, left out of the answers."""
    check_lang(lang)
    if lang == "zh":
        return [f"数据中有 {n:,} 行退货（金额 {value:,.2f}，相当于销售额的 {share:.1%}），各项结论均不计入退货行；"
                "但被退货的原始销售仍计入，因此销售额是未扣除退货的毛销售额，一笔被整单取消的大订单也可能排在商品榜首。"]
    return [f"The data hold {n:,} return lines ({value:,.2f}, {share:.1%} of sales value); the answers leave them out, "
            "but the sales they cancel still count — totals are gross of returns, and a large cancelled order can still "
            "top the product list."]
