"""Scenario discovery on a sweep: when does each strategy win, said as regime cards in French and English.

``transition-sim discover DIR`` (:mod:`.cli`) runs PRIM (the EMA Workbench's) and CART (scikit-learn's tree)
on every pair of strategies' paired outcomes and writes ``DIR/discover/`` (:mod:`.report`). The modules:
:mod:`.outcomes` (the yes/no outcomes), :mod:`.search` (boxes and leaves), :mod:`.words` and :mod:`.cards`
(the sentences), :mod:`.replay` (an example run's command line), :mod:`.figures` (the trade-off figure).
"""

DEPTH = 3  # CART's depth unless --depth: leaves of at most three conditions, which a sentence can still say
