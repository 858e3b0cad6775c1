"""Who is ready for what: monthly figures per store and person from the imported facts
(``metrics``: its ``load_facts``, written in ``fact_loading``, reads them into the FactBook of
``fact_book``), hand-entered metric values (``metric_values``) and the readiness of every
employee on every move (``readiness``).
"""
