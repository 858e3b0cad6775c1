"""Who is ready for what: monthly figures per store and person from the imported facts
(``metrics``, the FactBook), hand-entered metric values (``metric_values``) and the
readiness of every employee on every move (``readiness``).
"""
