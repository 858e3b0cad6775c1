"""Order times are stored as texts Tidui builds itself (core/services/imports/facts.py): they must
be exactly the texts SQLAlchemy's SQLite dialect would store, or a month's figures would change."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from core.services.imports import facts as import_facts


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["datetime64[us]", "datetime64[s]"]),
)
def test_stored_datetime_texts_are_the_dialects_texts(
    moments: list[dt.datetime | None], unit: str
) -> None:
    values = np.array(
        [np.datetime64("NaT") if m is None else np.datetime64(m, "us") for m in moments]
    ).astype(unit)
    expected = [
        None if m is None else str(m.replace(microsecond=m.microsecond if "us" in unit else 0))
        for m in moments
    ]
    # str(datetime) drops ".000000": SQLAlchemy's SQLite dialect always writes the microseconds
    expected = [t if t is None or "." in t else t + ".000000" for t in expected]
    assert import_facts._datetime_texts(values.astype("datetime64[us]")) == expected


def test_years_beyond_9999_keep_their_texts() -> None:
    values = np.array(["10000-01-02T03:04:05", "NaT", "2024-06-09"], dtype="datetime64[us]")
    assert import_facts._datetime_texts(values) == [
        "10000-01-02 03:04:05.000000",
        None,
        "2024-06-09 00:00:00.000000",
    ]
