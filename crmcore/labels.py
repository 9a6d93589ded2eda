"""Words users read, in English and Chinese.

Each method module keeps its own table ``{"key": {"en": ..., "zh": ...}}`` next to the code it
labels; this module holds the shared terms and the lookup every module uses.
"""
from __future__ import annotations

from typing import Mapping

from .errors import ParameterError

LANGS = ("en", "zh")

COMMON: dict[str, dict[str, str]] = {
    "customer": {"en": "customer", "zh": "客户"},
    "customers": {"en": "customers", "zh": "客户数"},
    "orders": {"en": "orders", "zh": "订单数"},
    "revenue": {"en": "revenue", "zh": "销售额"},
    "share": {"en": "share", "zh": "占比"},
    "revenue_share": {"en": "revenue share", "zh": "销售额占比"},
    "quantity": {"en": "quantity", "zh": "数量"},
    "date": {"en": "date", "zh": "日期"},
    "month": {"en": "month", "zh": "月份"},
    "week": {"en": "week", "zh": "周"},
    "weekday": {"en": "weekday", "zh": "星期"},
    "region": {"en": "region", "zh": "区域"},
    "channel": {"en": "channel", "zh": "渠道"},
    "category": {"en": "category", "zh": "品类"},
    "product": {"en": "product", "zh": "商品"},
    "segment": {"en": "segment", "zh": "客户分群"},
    "target": {"en": "target", "zh": "目标"},
    "actual": {"en": "actual", "zh": "实际"},
    "average_order_value": {"en": "average order value", "zh": "客单价"},
    "recency": {"en": "recency", "zh": "最近一次消费"},
    "frequency": {"en": "frequency", "zh": "消费频率"},
    "monetary": {"en": "monetary", "zh": "消费金额"},
}

WEEKDAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise a ParameterError naming the choices."""
    if lang not in LANGS:
        raise ParameterError(f"lang={lang!r} is not supported; use one of {', '.join(map(repr, LANGS))}.")
    return lang


def text(key: str, lang: str = "en", table: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Look ``key`` up in ``table`` (or the common terms) in ``lang``; unknown keys come back as is."""
    check_lang(lang)
    for t in (table or {}, COMMON):
        if key in t:
            return t[key][lang]
    return key


def both(key: str, table: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """'English (中文)' — how a term is written in English text that keeps the Chinese teaching term beside it."""
    return f"{text(key, 'en', table)} ({text(key, 'zh', table)})"


#: readable column headers for tables users read (snake_case name → en / zh); modules may pass their own
COLUMNS: dict[str, dict[str, str]] = {
    "customer_id": {"en": "Customer", "zh": "客户编号"},
    "customer_name": {"en": "Customer name", "zh": "客户名称"},
    "order_id": {"en": "Order", "zh": "订单号"},
    "order_date": {"en": "Order date", "zh": "下单日期"},
    "product_id": {"en": "Product", "zh": "商品编号"},
    "product_name": {"en": "Product name", "zh": "商品名称"},
    "category": {"en": "Category", "zh": "品类"},
    "channel": {"en": "Channel", "zh": "渠道"},
    "region": {"en": "Region", "zh": "区域"},
    "payment": {"en": "Payment", "zh": "支付方式"},
    "quantity": {"en": "Quantity", "zh": "数量"},
    "unit_price": {"en": "Unit price", "zh": "单价"},
    "revenue": {"en": "Revenue", "zh": "销售额"},
    "net_revenue": {"en": "Net revenue", "zh": "净销售额"},
    "orders": {"en": "Orders", "zh": "订单数"},
    "lines": {"en": "Lines", "zh": "明细行数"},
    "customers": {"en": "Customers", "zh": "客户数"},
    "share": {"en": "Share", "zh": "占比"},
    "customer_share": {"en": "Share of customers", "zh": "客户占比"},
    "revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "cum_share": {"en": "Cumulative share", "zh": "累计占比"},
    "recency": {"en": "Recency (days)", "zh": "最近一次消费（天）"},
    "frequency": {"en": "Frequency", "zh": "消费频率"},
    "monetary": {"en": "Monetary", "zh": "消费金额"},
    "segment": {"en": "Segment", "zh": "客户分群"},
    "segment_name": {"en": "Segment", "zh": "客户分群"},
    "action": {"en": "Action", "zh": "建议措施"},
    "month": {"en": "Month", "zh": "月份"},
    "period": {"en": "Period", "zh": "期间"},
    "date": {"en": "Date", "zh": "日期"},
    "target": {"en": "Target", "zh": "目标"},
    "actual": {"en": "Actual", "zh": "实际"},
    "achievement": {"en": "Achievement", "zh": "达成率"},
    "growth": {"en": "Growth", "zh": "增长率"},
    "weight": {"en": "Weight", "zh": "权重"},
    "score": {"en": "Score", "zh": "得分"},
    "rank": {"en": "Rank", "zh": "排名"},
    "average_order_value": {"en": "Average order value", "zh": "客单价"},
    "first_purchase": {"en": "First purchase", "zh": "首次购买"},
    "last_purchase": {"en": "Last purchase", "zh": "最近购买"},
}

#: category values of the demo data (channel, payment, region, product category), so zh sentences and
#: tables never show an English value; a user's own data pass through unchanged
VALUES: dict[str, dict[str, str]] = {
    "store": {"en": "store", "zh": "门店"},
    "online": {"en": "online", "zh": "线上商城"},
    "mini-program": {"en": "mini-program", "zh": "小程序"},
    "card": {"en": "card", "zh": "银行卡"},
    "cash": {"en": "cash", "zh": "现金"},
    "mobile": {"en": "mobile", "zh": "移动支付"},
    "invoice": {"en": "invoice", "zh": "对公转账"},
    "East": {"en": "East", "zh": "华东"},
    "South": {"en": "South", "zh": "华南"},
    "North": {"en": "North", "zh": "华北"},
    "West": {"en": "West", "zh": "西部"},
    "Central": {"en": "Central", "zh": "华中"},
    "Home decor": {"en": "Home decor", "zh": "家居装饰"},
    "Kitchen": {"en": "Kitchen", "zh": "厨房用品"},
    "Stationery": {"en": "Stationery", "zh": "文具"},
    "Gifts": {"en": "Gifts", "zh": "礼品"},
    "Textiles": {"en": "Textiles", "zh": "家纺"},
    "Lighting": {"en": "Lighting", "zh": "灯具"},
    "Garden": {"en": "Garden", "zh": "园艺"},
}


def column(name: str, lang: str = "en", table: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A readable header for column ``name`` in ``lang`` (``table`` first, then :data:`COLUMNS`).

    Unknown names are made readable ("net_revenue" → "Net revenue") in English and kept as is in Chinese.
    """
    check_lang(lang)
    for t in (table or {}, COLUMNS, COMMON):
        if name in t:
            return t[name][lang]
    s = str(name)
    return s.replace("_", " ").capitalize() if lang == "en" and s.islower() else s


def value(v, lang: str = "en"):
    """A data value in ``lang``: the demo data's channel, payment, region and category names are translated."""
    check_lang(lang)
    if isinstance(v, str) and v in VALUES:
        return VALUES[v][lang]
    return v


def translate_frame(frame, lang: str = "en", *, columns: Mapping[str, Mapping[str, str]] | None = None,
                    values: bool = True):
    """A copy of ``frame`` with readable headers (and index name) and the demo data's values in ``lang``."""
    check_lang(lang)
    out = frame.copy()
    if values and lang != "en":
        for c in out.columns:
            if out[c].dtype == object or str(out[c].dtype) in ("string", "str", "category"):
                out[c] = out[c].map(lambda v: value(v, lang))
        if out.index.dtype == object:
            out.index = out.index.map(lambda v: value(v, lang))
    out = out.rename(columns=lambda c: column(c, lang, columns) if isinstance(c, str) else c)
    if isinstance(out.index.name, str):
        out.index.name = column(out.index.name, lang, columns)
    return out
