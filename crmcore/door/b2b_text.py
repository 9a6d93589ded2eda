"""Words of the B2B demo data (en / zh): stages, outcomes, owners, products, roles, plan types … as one
catalogue, and the lookups that show a demo value or a table in the learner's language. A user's own values
pass through unchanged.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from crmcore.labels import Catalogue, check_lang

#: readable values of the demo (en → zh); a user's own values pass through unchanged
VALUES = Catalogue("b2b.values", {
    "qualify": {"en": "qualify", "zh": "商机确认"}, "needs": {"en": "needs analysis", "zh": "需求分析"},
    "proposal": {"en": "proposal", "zh": "方案报价"}, "negotiate": {"en": "negotiation", "zh": "商务谈判"},
    "won": {"en": "won", "zh": "赢单"}, "lost": {"en": "lost", "zh": "输单"}, "open": {"en": "open", "zh": "进行中"},
    "Zhang Wei": {"en": "Zhang Wei", "zh": "张伟"}, "Li Na": {"en": "Li Na", "zh": "李娜"},
    "Wang Fang": {"en": "Wang Fang", "zh": "王芳"}, "Liu Yang": {"en": "Liu Yang", "zh": "刘洋"},
    "Chen Jing": {"en": "Chen Jing", "zh": "陈静"}, "Zhao Lei": {"en": "Zhao Lei", "zh": "赵磊"},
    "CRM Suite": {"en": "CRM Suite", "zh": "CRM 套件"}, "Analytics": {"en": "Analytics", "zh": "数据分析"},
    "Cloud Storage": {"en": "Cloud Storage", "zh": "云存储"}, "Consulting": {"en": "Consulting", "zh": "咨询服务"},
    # regions (East, South …) come from crmcore.labels.VALUES, which value() falls back to
    "none": {"en": "none", "zh": "无"}, "PriceCo": {"en": "PriceCo", "zh": "低价公司"},
    "BigSoft": {"en": "BigSoft", "zh": "大软公司"},
    "Manufacturing": {"en": "Manufacturing", "zh": "制造业"}, "Retail": {"en": "Retail", "zh": "零售业"},
    "Finance": {"en": "Finance", "zh": "金融业"}, "Healthcare": {"en": "Healthcare", "zh": "医疗健康"},
    "decision_maker": {"en": "decision maker", "zh": "决策者"},
    "technical_buyer": {"en": "technical buyer", "zh": "技术把关者"},
    "user": {"en": "user", "zh": "使用者"}, "coach": {"en": "coach", "zh": "内线"},
    "gatekeeper": {"en": "gatekeeper", "zh": "守门人"},
    "volume": {"en": "volume (by product)", "zh": "销量（按产品）"},
    "cost_effectiveness": {"en": "cost-effectiveness (by month)", "zh": "费效（按月）"},
    "customer": {"en": "customer", "zh": "客户"}, "key_person": {"en": "key person", "zh": "关键人"},
    "staff": {"en": "staff", "zh": "员工"},
    "exploratory": {"en": "exploratory", "zh": "摸底计划"}, "assessment": {"en": "assessment", "zh": "考核计划"},
    "rolling": {"en": "rolling", "zh": "滚动计划"},
    "visit": {"en": "visit", "zh": "拜访"}, "demo": {"en": "demo", "zh": "产品演示"},
    "dinner": {"en": "business dinner", "zh": "商务宴请"}, "event": {"en": "event", "zh": "市场活动"},
})

#: the demo's generated names ("Contact 050-1", "Account 007", "Client 012"): the word before the number
NAME_PREFIXES = Catalogue("b2b.name_prefixes", {
    "contact": {"en": "Contact ", "zh": "联系人 "},
    "account": {"en": "Account ", "zh": "客户 "},
    "client": {"en": "Client ", "zh": "客户 "},
})

#: true / false cells of a table shown in a language other than English
YES_NO = Catalogue("b2b.yes_no", {
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
})


def value(v: Any, lang: str = "en") -> Any:
    """A demo value in ``lang`` (stages, owners, products, units, roles…); other values unchanged."""
    check_lang(lang)
    if isinstance(v, str) and v in VALUES:
        return VALUES[v][lang]
    if lang != "en" and isinstance(v, str):  # demo names "Contact 050-1", "Account 007", "Client 012"
        for prefix in NAME_PREFIXES.values():
            if v.startswith(prefix["en"]):
                return prefix[lang] + v[len(prefix["en"]):]
    from crmcore.labels import value as common_value

    return common_value(v, lang)


def translate_values(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A copy with the text cells translated by :func:`value` (for ``crm.show``)."""
    check_lang(lang)
    if lang == "en":
        return frame.copy()
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map({True: YES_NO["yes"][lang], False: YES_NO["no"][lang]})
        elif out[c].dtype == object or str(out[c].dtype) in ("string", "str", "category"):
            out[c] = out[c].map(lambda v: value(v, lang))
    return out
