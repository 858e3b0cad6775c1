"""Code points at documents a person cloning the repository has (issue 12): docs/cli.md,
docs/design.md, docs/stack.md, ARCHITECTURE.md, SECURITY.md, never the product brief's own files
(CLI.md, DESIGN.md, STACK.md, seed-rules.md under ../shared), and every docs/… file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("core", "desktop", "installer", "bench", "tests")
BRIEF = re.compile(
    r"(?<![\w/.])(?:\.\./)?(?:shared/)?(?:CLI|DESIGN|STACK|seed-rules)\.md|\bshared/"
)
NAMED = re.compile(r"\bdocs/[\w-]+\.md")


def _sources() -> list[Path]:
    own = Path(__file__).resolve()
    return [p for d in CODE for p in (ROOT / d).rglob("*.py") if p.resolve() != own]


def test_no_code_points_at_the_brief() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in _sources()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if BRIEF.search(line)
    ]
    assert not found, "point these at docs/ instead:\n" + "\n".join(found)


def test_every_named_doc_exists() -> None:
    texts = [p.read_text(encoding="utf-8") for p in _sources()]
    texts += [
        (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "ARCHITECTURE.md")
    ]
    named = {m for text in texts for m in NAMED.findall(text)}
    assert {"docs/cli.md", "docs/design.md", "docs/stack.md"} <= named
    missing = sorted(n for n in named if not (ROOT / n).is_file())
    assert not missing, missing
