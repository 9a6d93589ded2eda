"""Sales targets and tracking from the weight index (权重指数): daily targets, month forecast, comparison.

The spreadsheet method of data-driven management (数据化管理) turns daily sales history into
weights and uses them to set and track targets:

* **weekly weight index** (周权重指数) ``K``, set in one of two ways:

  - ``weekly_index="derived"`` — 黄成明's way: the weakest weekday gets day weight 1.0, every other
    weekday its average sales as a multiple of the weakest one's, and K is the sum of the seven day
    weights ("usually between 7 and 14"); so K is read from the data and says how uneven the week is;
  - a number 7 ≤ K ≤ 14 (default 7) — a fixed scale the company chooses; K = 7 makes an average
    day weigh 1.0, so the unit weight value reads as "sales of an average day";
* **day weight index** (日权重指数) of weekday N
  ``w_N = (average daily sales on weekday N ÷ average weekly sales) × K``, where
  average weekly sales = total sales of the period ÷ (days in the period ÷ 7);
* **month weight index** (月权重指数) ``W = Σ w_d`` over the days d of the month;
* **daily sales target** (日销售目标) ``target_d = monthly target × w_d ÷ W``;
* **month sales forecast** (月销售预测值) ``F = Σ sales so far ÷ (Σ w_d so far ÷ W)``;
* **unit weight value** (单位权重值) ``u = Σ daily sales ÷ Σ w_d``, so ``F = u × W``.

With uniform daily sales every ``w_N = K / 7``; over whole weeks the seven weights sum to K.
K only sets the scale of the weights: targets and forecasts are ratios of weights and do not
depend on it, so the two ways give the same targets and forecasts; the unit weight value (sales per
unit of weight) does depend on it — with the derived K it reads as "sales of a day as strong as the
weakest weekday".

Reference: 黄成明 (Huang Chengming), 《数据化管理：洞悉零售及电子商务运营》, 电子工业出版社, 2014,
chapter on the weight index method for targets and forecasts (权重指数法).

The method lives in one module per concern, all reachable from here (``targets.X``):

* :mod:`~crmcore.sales.targets_weights` — daily sales, the history period and the weight index;
* :mod:`~crmcore.sales.targets_tracking` — daily targets, the month forecast and day-by-day tracking;
* :mod:`~crmcore.sales.targets_plan` — a derived target and the SMART decomposition of a year;
* :mod:`~crmcore.sales.targets_compare` — comparison analysis (对比分析);
* :mod:`~crmcore.sales.targets_backtest` — how good the month forecast was on past months;
* :mod:`~crmcore.sales.targets_text` (catalogues, sentences), :mod:`~crmcore.sales.targets_plots` (charts)
  and :mod:`~crmcore.sales.targets_checks` (input checks).

The library functions take daily sales (a Series date → sales, or the frame
``crmcore.engine.periodic_sales(tx, freq="D")`` returns); :func:`daily_sales` builds them from
canonical transactions.
"""
from __future__ import annotations

from crmcore.sales.targets_backtest import Backtest, backtest
from crmcore.sales.targets_checks import MISSING, WEEKLY_INDEX_RULES
from crmcore.sales.targets_compare import KINDS, Comparison, compare
from crmcore.sales.targets_plan import DerivedTarget, TargetPlan, decompose_target, derive_target, smart_plan
from crmcore.sales.targets_plots import (plot_backtest, plot_comparison, plot_cumulative, plot_daily,
                                         plot_daily_targets, plot_plan_months, plot_unit_weight, plot_weights)
from crmcore.sales.targets_text import COLUMNS, LABELS, RESULT_COLUMNS, in_context, space_title
from crmcore.sales.targets_tracking import (DailyTargets, MonthForecast, Tracking, compare_weekly_index,
                                            daily_targets, data_summary, forecast_month, report_period, track)
from crmcore.sales.targets_weights import (WeightIndex, daily_sales, history_period, sales_by, unit_weight_value,
                                           weekly_index_choice, weight_index)

__all__ = [
    # daily sales and the weight index
    "daily_sales", "sales_by", "history_period", "weekly_index_choice", "weight_index", "unit_weight_value",
    # one month: targets, forecast, tracking
    "report_period", "data_summary", "compare_weekly_index", "daily_targets", "forecast_month", "track",
    # a period's and a year's target
    "derive_target", "decompose_target", "smart_plan",
    # comparison analysis and the backtest
    "compare", "in_context", "space_title", "backtest",
    # results
    "WeightIndex", "DailyTargets", "MonthForecast", "Tracking", "DerivedTarget", "TargetPlan", "Comparison",
    "Backtest",
    # charts
    "plot_weights", "plot_daily_targets", "plot_cumulative", "plot_unit_weight", "plot_daily", "plot_plan_months",
    "plot_comparison", "plot_backtest",
    # words and choices
    "COLUMNS", "LABELS", "RESULT_COLUMNS", "MISSING", "WEEKLY_INDEX_RULES", "KINDS",
]
