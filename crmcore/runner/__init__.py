"""The notebook and report runner: ``notebooks`` (finding notebooks, cells, declared parameters), ``files`` (safe
output files), ``report`` (notebooks → HTML, with ``report_html`` and ``kernel_pool``), ``cli`` (``crm``), ``course`` (learner copies),
``nbtools`` (the notebook helpers), ``display`` (``show``/``say``), ``export`` (formula-safe CSV/xlsx).

The runner imports no method module: it runs notebooks, and the notebooks call the methods.
"""
