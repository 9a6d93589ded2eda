"""Customer methods: who the customers are and what they are worth.

``rfm`` (over ``rfm_engine`` and ``rfm_schemes``), ``abc``, ``dormancy``, ``lifecycle``, ``churn`` (over
``churn_data``), ``credit``, ``cluster`` (over ``cluster_features``, ``cluster_models``, ``cluster_k``,
``cluster_profile``), ``customer_value`` and ``clv`` (over ``clv_models``, ``clv_fit``, ``clv_value``, ``clv_holdout``); each
keeps its words in ``<method>_text`` and its charts in ``<method>_plots``. A method may build on one taught
earlier (``churn`` → ``lifecycle``, ``cluster`` → ``rfm``); none imports the report runner.
"""
