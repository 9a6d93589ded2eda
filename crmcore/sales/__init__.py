"""Sales: ``overview`` (comparison analysis), ``targets`` (weight-index targets), ``pipeline`` (B2B funnel and
forecast) and ``key_accounts``.
"""
