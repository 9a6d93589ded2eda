"""The notebook and report runner: ``report`` (notebooks → HTML), ``cli`` (``crm``), ``course`` (learner copies),
``nbtools`` (the notebook helpers), ``display`` (``show``/``say``), ``export`` (formula-safe CSV/xlsx).

The runner imports no method module: it runs notebooks, and the notebooks call the methods.
"""
