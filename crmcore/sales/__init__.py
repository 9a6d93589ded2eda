"""Sales: ``overview`` (comparison analysis), ``targets`` (weight-index targets: the façade over
``targets_weights``, ``targets_tracking``, ``targets_plan``, ``targets_compare``, ``targets_backtest``,
``targets_checks``), ``pipeline`` (the B2B funnel: over ``pipeline_winrate``, ``pipeline_stages``,
``pipeline_plans``) and ``key_accounts``; each keeps its words in ``<method>_text`` and its charts in
``<method>_plots``.
"""
