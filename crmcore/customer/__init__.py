"""Customer methods: who the customers are and what they are worth.

``rfm``, ``abc``, ``dormancy``, ``lifecycle``, ``churn``, ``credit``, ``cluster``, ``customer_value``, ``clv``
(with ``clv_text`` and ``clv_plots``). A method may build on one taught earlier (``churn`` → ``lifecycle``,
``cluster`` → ``rfm``); none imports the report runner.
"""
