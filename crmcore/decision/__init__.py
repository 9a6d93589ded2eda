"""Decision methods: weights from judgements (AHP, fuzzy AHP) and from data (entropy, CRITIC …).

``ahp`` is the public façade over ``ahp_matrix`` (matrices, priorities), ``ahp_scale`` (Saaty's scale, RI
tables), ``ahp_judgements``, ``ahp_hierarchy``, ``ahp_text`` (words) and ``ahp_plots``; they import one way:
ahp_text ← ahp_scale ← ahp_matrix ← ahp_judgements ← ahp ← ahp_hierarchy ← customer_value, and
ahp_plots ← ahp_matrix (ahp_plots and ahp_text import no AHP module).
``weights`` is the façade over ``weights_objective`` (entropy, CRITIC), ``weights_experts`` (Kendall's W,
expert rounds), ``weights_fuzzy``, ``weights_base`` (the shared result base), ``weights_text`` and
``weights_plots``.
"""
