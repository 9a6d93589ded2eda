"""Words of crmcore.credit: the en/zh catalogues and the sentences of the credit rating.

Catalogues (:class:`crmcore.labels.Catalogue`): ``credit.labels`` (indicator and grade names, chart
words), ``credit.columns`` (report headers of the rating tables) and ``credit.result_columns`` (headers of
``CreditResult.to_frame(lang)``). The functions write what the numbers say; the method module imports
this module, never the other way round.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from crmcore.labels import Catalogue, check_lang

if TYPE_CHECKING:
    from crmcore.customer.credit import CreditResult

LABELS = Catalogue("credit.labels", {
    "collection": {"en": "collection rate", "zh": "回款率"},
    "on_time": {"en": "on-time rate", "zh": "按期回款率"},
    "days_past_due": {"en": "days past due", "zh": "逾期天数"},
    "overdue": {"en": "overdue ageing", "zh": "逾期账龄"},
    "current": {"en": "not yet due", "zh": "未到期"},
    "grade": {"en": "credit grade", "zh": "信用等级"},
    "limit": {"en": "credit limit", "zh": "信用额度"},
    "unrated": {"en": "unrated", "zh": "未评级"},
    "grades_title": {"en": "Customers by credit grade", "zh": "各信用等级客户数"},
})

#: report headers of the rating tables (pass as ``crm.show(..., columns=credit.COLUMN_LABELS)``)
COLUMN_LABELS = {**Catalogue("credit.columns", {
    "bucket": {"en": "days past due", "zh": "逾期天数（账龄）"},
    "mean_score": {"en": "mean score", "zh": "平均信用分"}, "score": {"en": "credit score", "zh": "信用分"},
    "outstanding": {"en": "outstanding amount", "zh": "应收余额"},
    "credit_limit": {"en": "credit limit", "zh": "信用额度"}, "invoices": {"en": "invoices", "zh": "发票数"},
    "days_past_due": {"en": "days past due (amount-weighted)", "zh": "逾期天数（金额加权）"},
    "overdue_share": {"en": "overdue share of outstanding", "zh": "逾期占应收比例"},
    "amount": {"en": "amount", "zh": "金额"}, "share": {"en": "share", "zh": "占比"},
}), "grade": LABELS["grade"], "collection_rate": LABELS["collection"], "on_time_rate": LABELS["on_time"]}

#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
RESULT_COLUMNS = Catalogue("credit.result_columns", {
    "invoiced": {"en": "Invoiced", "zh": "开票金额"},
    "due_amount": {"en": "Amount due", "zh": "到期金额"},
    "collected": {"en": "Collected", "zh": "已回款"},
    "invoices_due": {"en": "Invoices due", "zh": "到期发票数"},
    "overdue_0-30": {"en": "Overdue 0–30 days", "zh": "逾期 0–30 天"},
    "overdue_31-60": {"en": "Overdue 31–60 days", "zh": "逾期 31–60 天"},
    "overdue_61-90": {"en": "Overdue 61–90 days", "zh": "逾期 61–90 天"},
    "overdue_90+": {"en": "Overdue over 90 days", "zh": "逾期 90 天以上"},
    "invoiced_365": {"en": "Invoiced, last 365 days", "zh": "近 365 天开票金额"},
    "share_0-30": {"en": "Share overdue 0–30 days", "zh": "逾期 0–30 天占比"},
    "share_31-60": {"en": "Share overdue 31–60 days", "zh": "逾期 31–60 天占比"},
    "share_61-90": {"en": "Share overdue 61–90 days", "zh": "逾期 61–90 天占比"},
    "share_90+": {"en": "Share overdue over 90 days", "zh": "逾期 90 天以上占比"},
    "s_collection": {"en": "Score: collection", "zh": "得分：回款率"},
    "s_on_time": {"en": "Score: on time", "zh": "得分：按时付款"},
    "s_days_past_due": {"en": "Score: days past due", "zh": "得分：逾期天数"},
    "s_overdue": {"en": "Score: overdue share", "zh": "得分：逾期占比"},
})


def grades_text(r: CreditResult, lang: str = "en") -> str:
    """The grades and the overdue amounts as of asof, in one paragraph."""
    check_lang(lang)
    g = r.grades().set_index("grade")
    rated = int(g.loc[["A", "B", "C", "D"], "customers"].sum())
    ag = r.aging.set_index("bucket")
    total = float(ag["amount"].sum())
    over = float(ag.loc[[b for b in ag.index if b != "current"], "amount"].sum())
    o90 = float(ag.loc["90+", "amount"])
    ab = int(g.loc[["A", "B"], "customers"].sum())
    d = int(g.loc["D", "customers"])
    if rated == 0:
        return (f"截至 {r.asof:%Y-%m-%d}，还没有任何客户的发票到期，无法评级。" if lang == "zh" else
                f"As of {r.asof:%Y-%m-%d} no account has an invoice due yet, so none can be graded.")
    if lang == "zh":
        return (f"截至 {r.asof:%Y-%m-%d}，{rated:,} 位已评级客户中 A、B 级 {ab:,} 位，D 级 {d:,} 位（应预付或现款）。"
                f"应收余额 {total:,.0f}，其中逾期 {over:,.0f}（{over / total if total else 0:.1%}），"
                f"逾期90天以上 {o90:,.0f}（{o90 / total if total else 0:.1%}）。")
    return (f"As of {r.asof:%Y-%m-%d}, {ab:,} of the {rated:,} rated customers are grade A or B and {d:,} are "
            f"grade D (prepayment or cash only). Of {total:,.0f} outstanding, {over:,.0f} "
            f"({over / total if total else 0:.1%}) is overdue and {o90:,.0f} "
            f"({o90 / total if total else 0:.1%}) is more than 90 days past due.")


def payments_source(payments: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """What the receivables ledger holds: invoices, accounts, unpaid invoices, issue dates (measure/value in ``lang``)."""
    check_lang(lang)
    zh = lang == "zh"
    n = len(payments)
    span = (f"{payments['issue_date'].min():%Y-%m-%d} – {payments['issue_date'].max():%Y-%m-%d}" if n else "")
    rows = [("发票数" if zh else "invoices", f"{n:,}"),
            ("企业客户（账户）数" if zh else "business accounts", f"{payments['customer_id'].nunique():,}"),
            ("数据截止时未回款的发票" if zh else "unpaid at the end of the data", f"{int(payments['paid_date'].isna().sum()):,}"),
            ("开票日期" if zh else "issue dates", span)]
    return pd.DataFrame(rows, columns=["指标" if zh else "measure", "数值" if zh else "value"])


def no_accounts_sentence(lang: str = "en") -> str:
    """The credit finding when the data hold no invoice-paid (B2B) accounts."""
    check_lang(lang)
    return ("数据中没有以发票方式付款的企业客户，因此不做信用评级；如有应收账款明细，请通过 payments_path 提供。" if lang == "zh" else
            "The data hold no accounts paying by invoice, so no credit grades are given; pass a receivables ledger "
            "as payments_path to grade business accounts.")
