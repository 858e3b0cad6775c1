"""The user guide (docs/guide/) and its screenshots, made from the demo company so they are never
stale: every picture a page shows is produced here at 1366×768 (a dialog at its own size), none
is blank, and every image and relative link of every page resolves.

The pictures land in docs/guide/images/ (ignored by git: generated, never committed).
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.conftest import SAMPLES
from tests.docs.guide_shots import WINDOW, take_all

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
IMAGES = GUIDE / "images"
LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
MIN_COLOURS = 24  # a blank or half-painted grab has a handful


def pages() -> list[Path]:
    return sorted(GUIDE.glob("*.md"))


def links(page: Path) -> list[tuple[bool, str]]:
    """(is an image, target) of each Markdown link on the page, code spans left out."""
    text = re.sub(r"`[^`\n]*`", "", page.read_text(encoding="utf-8"))
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return [(bang == "!", target) for bang, target in LINK.findall(text)]


def external(target: str) -> bool:
    return re.match(r"[a-z]+:", target) is not None


def colours(image: QImage) -> int:
    seen = set()
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 40)
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_the_guide_exists_chinese_first_and_the_readme_links_it() -> None:
    names = {p.name for p in pages()}
    assert "README.md" in names and len(names) >= 7, names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/guide/README.md" in readme
    for page in pages():
        text = page.read_text(encoding="utf-8")
        first = next(line for line in text.splitlines() if line.startswith("# "))
        assert re.search(r"[\u4e00-\u9fff]", first), f"{page.name}: Chinese first"
        assert "## English" in text, f"{page.name}: then English"


def test_every_picture_of_the_guide_is_made_whole(qtbot: QtBot) -> None:
    started = time.perf_counter()
    # a short folder: the pictures of the backups and the log-in window show the file's path
    with tempfile.TemporaryDirectory(prefix="tidui-guide-") as work:
        taken = take_all(qtbot, IMAGES, Path(work), SAMPLES)
    seconds = time.perf_counter() - started
    shown = {
        Path(target).name
        for page in pages()
        for image, target in links(page)
        if image and not external(target)
    }
    assert shown, "the guide shows no picture"
    assert not shown - set(taken), f"shown in the guide but never made: {shown - set(taken)}"
    assert not set(taken) - shown, f"made but shown nowhere: {set(taken) - shown}"
    problems = []
    for name, size in taken.items():
        image = QImage(str(IMAGES / name))
        if image.isNull():
            problems.append(f"{name}: unreadable")
            continue
        if (image.width(), image.height()) != (size.width(), size.height()):
            problems.append(f"{name}: {image.width()}×{image.height()}, grabbed {size}")
        if colours(image) < MIN_COLOURS:
            problems.append(f"{name}: nearly blank ({colours(image)} colours)")
    assert not problems, "\n".join(problems)
    windows = [n for n, s in taken.items() if (s.width(), s.height()) == (1366, 768)]
    assert len(windows) >= 10 and WINDOW.width() == 1366, windows
    print(f"\nguide: {len(taken)} screenshots in {seconds:.1f} s")


def test_every_link_of_the_guide_resolves() -> None:
    broken = []
    for page in pages():
        for image, target in links(page):
            if external(target) or target.startswith("#"):
                continue
            if image and target.startswith("images/"):
                continue  # made by the test above
            path = target.split("#", 1)[0]
            if not (page.parent / path).exists():
                broken.append(f"{page.name}: {target}")
    assert not broken, broken
