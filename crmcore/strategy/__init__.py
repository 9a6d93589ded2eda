"""Strategy frameworks of the course: ``fivew2h`` (5W2H, answers computed in ``fivew2h_answers``), ``swot``,
``porter`` (five forces), ``bcg`` and ``dupont`` (statements read in ``dupont_statements``); each keeps its words
in ``<method>_text`` and its charts in ``<method>_plots``.
"""
