"""Strategy frameworks of the course: ``fivew2h`` (5W2H), ``swot``, ``porter`` (five forces), ``bcg``, ``dupont``."""
