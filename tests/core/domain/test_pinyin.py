"""Searching names by pinyin: whole syllables, initials, a mix, from any character, every reading."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from core.domain.pinyin import finds, initials, matches, readings, spelled

# surnames and given-name characters of the sample rosters, polyphones among them
NAME_CHARS = (
    "王李张刘陈杨黄赵吴周孙马朱胡郭何林高罗郑单曾解区仇吕欧阳芳娜伟磊敏静丽强军杰悦超昊琳婷乐长重"
)


def test_whole_syllables_initials_and_a_mix_find_the_name() -> None:
    for typed in ("wangfang", "wf", "wangf", "wfang", "wang fang", "WangFang", "fang", "f"):
        assert matches(typed, "王芳"), typed
    for typed in ("wg", "fw", "wangfangx", "xyz", "angfang"):
        assert not matches(typed, "王芳"), typed
    assert matches("", "王芳")  # an empty search hides nobody


def test_every_reading_of_a_character_counts() -> None:
    assert matches("shanxiongxin", "单雄信") and matches("danxx", "单雄信")
    assert matches("zengxiaoxian", "曾小贤") and matches("cxx", "曾小贤")
    assert matches("lvbu", "吕布") and matches("lubu", "吕布")  # ü typed v or u
    assert readings("单")[0][0] == "dan"  # the most common reading orders the list


def test_initials_and_spelling_of_the_sample_roster() -> None:
    names = {
        "王芳": "wf",
        "李娜": "ln",
        "赵磊": "zl",
        "吴昊": "wh",
        "何琳": "hl",
        "欧阳娜娜": "oynn",
    }
    assert {name: initials(name) for name in names} == names
    assert spelled("王芳") == "wang fang"
    # letters and digits stand for themselves; a dot between names is left out
    assert matches("annali", "Anna李") and matches("maimaitiaili", "买买提·艾力")
    assert initials("·") == "" and not matches("a", "·")


def _oracle(query: str, name: str) -> bool:
    """The same question as a regular expression: from some character on, each following
    character spelled by a non-empty start of one of its readings, up to the query's end."""
    wanted = "".join(query.lower().split()).replace("'", "")
    if not wanted:
        return True
    key = readings(name)

    def starts(found: tuple[str, ...]) -> str:
        return "|".join(re.escape(r[:k]) for r in found for k in range(len(r), 0, -1))

    for first in range(len(key)):
        pattern = ""
        for found in reversed(key[first:]):
            pattern = f"(?:{starts(found)})(?:{pattern})?" if pattern else f"(?:{starts(found)})"
        if re.fullmatch(pattern, wanted):
            return True
    return False


names = st.text(alphabet=NAME_CHARS, min_size=1, max_size=4)


@given(names)
def test_a_name_is_found_by_its_own_spelling_and_initials(name: str) -> None:
    assert matches(spelled(name), name)
    assert matches(spelled(name).replace(" ", ""), name)
    assert matches(initials(name), name)
    given_name = name[1:]
    if given_name:
        assert matches(spelled(given_name), name)  # from the given name on


@given(names, st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=12))
def test_matching_agrees_with_a_regular_expression(name: str, query: str) -> None:
    assert matches(query, name) == _oracle(query, name)


@given(names, st.sampled_from([r[:k] for r in ("wang", "li", "zhang", "shan") for k in (1, 2, 3)]))
def test_typed_prefixes_agree_with_the_oracle(name: str, query: str) -> None:
    assert matches(query, name) == _oracle(query, name)


def test_a_search_finds_a_person_by_number_name_or_pinyin() -> None:
    """The one rule of every search of people (员工档案's list and 直属上级 picker, 达标名单)."""
    for query in ("E001", "e00", "王", "王芳", "wf", "WangFang", " fang ", ""):
        assert finds(query, "E001", "王芳"), query
    for query in ("E002", "李", "wx", "芳王"):
        assert not finds(query, "E001", "王芳"), query
