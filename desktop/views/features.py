"""What other features add to the employee archive's screen: the form's tabs (晋升进度, KPI,
晋升申请) and the list's columns (晋升状态).

The archive page calls ``register_all`` before it builds its list and tabs, so what it shows does
not depend on which modules happen to have been imported first. A feature adds itself here.
"""

from __future__ import annotations


def register_all() -> None:
    """Fill desktop/views/employees/tabs.py's EXTRA_TABS and LIST_EXTENSIONS (idempotent)."""
    from desktop.views import eligibility, promotion

    eligibility.register()
    promotion.register()
