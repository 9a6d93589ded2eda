"""Decision methods: weights from judgements (AHP, fuzzy AHP) and from data (entropy, CRITIC …).

``ahp`` is the public façade over ``ahp_matrix``, ``ahp_judgements``, ``ahp_hierarchy`` and ``ahp_plots``;
``weights`` over ``weights_fuzzy`` and ``weights_plots``.
"""
