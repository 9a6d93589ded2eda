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
    """'English (中文)' — how a term is written in English text where the seeds use Chinese."""
    return f"{text(key, 'en', table)} ({text(key, 'zh', table)})"
