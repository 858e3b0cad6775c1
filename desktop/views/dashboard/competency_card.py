"""The 能力缺口 card: for a chosen level, how many people one promotion below reach each competency
the ladder expects of it (their mean 360 rating against the expected proficiency)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QWidget

from core.services import dashboard as db
from desktop.i18n import listed, tr


def gap_title(gap: db.CompetencyGap) -> str:
    return tr("{track} · {level}").format(track=gap.track, level=gap.level)


class CompetencyGapView(QWidget):
    """The level picker, the sentence, and one row per expected competency."""

    def __init__(
        self,
        show_refs: Callable[[str, Sequence[db.PersonRef]], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.show_refs = show_refs
        self.gaps: tuple[db.CompetencyGap, ...] = ()
        self.level = QComboBox()
        self.level.setObjectName("competency-level")
        self.level.setToolTip(tr("选择要看的职级"))
        self.level.currentIndexChanged.connect(self.on_level_index_changed)
        picker = QHBoxLayout()
        picker.addWidget(QLabel(tr("职级")))
        picker.addWidget(self.level, 1)
        self.sentence = QLabel()
        self.sentence.setObjectName("competency-sentence")
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet("font-weight: bold;")
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        self.grid.setContentsMargins(0, 4, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(picker, 0, 0)
        layout.addWidget(self.sentence, 1, 0)
        layout.addWidget(self.rows, 2, 0)
        note = QLabel(tr("按360评估（不含自评）的平均分，与该职级要求的能力等级（1–5）比较。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #868e96; font-size: 11px;")
        layout.addWidget(note, 3, 0)

    def set_gaps(self, gaps: Sequence[db.CompetencyGap]) -> None:
        """Show ``gaps``, keeping the chosen level when it is still there."""
        chosen = self.level.currentData()
        self.gaps = tuple(gaps)
        self.level.blockSignals(True)
        self.level.clear()
        for i, gap in enumerate(self.gaps):
            self.level.addItem(gap_title(gap), (gap.track, gap.level))
            if (gap.track, gap.level) == chosen:
                self.level.setCurrentIndex(i)
        self.level.blockSignals(False)
        self.level.setEnabled(bool(self.gaps))
        self._draw()

    def current(self) -> db.CompetencyGap | None:
        index = self.level.currentIndex()
        return self.gaps[index] if 0 <= index < len(self.gaps) else None

    @Slot(int)
    def on_level_index_changed(self, index: int) -> None:
        del index
        self._draw()

    def _draw(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        gap = self.current()
        if gap is None:
            self.sentence.setText(tr("通道里还没有设定能力要求的职级。"))
            return
        self.sentence.setText(gap.sentence.text())
        below = listed(gap.below)
        for column, text in enumerate(
            (tr("能力"), tr("要求"), tr("达到 / {below}人数").format(below=below), "", "")
        ):
            head = QLabel(text)
            head.setObjectName(f"competency-head-{column}")
            head.setStyleSheet("color: #495057; font-size: 11px;")
            self.grid.addWidget(head, 0, column)
        total = len(gap.people)
        for row, need in enumerate(gap.needs, start=1):
            self.grid.addWidget(QLabel(need.competency), row, 0)
            self.grid.addWidget(QLabel(tr("{n}级").format(n=need.expected)), row, 1)
            bar = QProgressBar()
            bar.setObjectName(f"competency-bar-{need.competency}")
            bar.setRange(0, max(total, 1))
            bar.setValue(need.reached_count)
            bar.setFormat(tr("{reached}/{total}人").format(reached=need.reached_count, total=total))
            bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
            bar.setMaximumHeight(18)
            bar.setToolTip(
                tr("达到：{reached}；未达到：{short}；未评价：{unrated}").format(
                    reached=listed(p.name for p in need.reached) or tr("无"),
                    short=listed(p.name for p in need.short) or tr("无"),
                    unrated=listed(p.name for p in need.unrated) or tr("无"),
                )
            )
            self.grid.addWidget(bar, row, 2)
            self.grid.addWidget(
                self._people_link(
                    tr("未达到 {n}").format(n=len(need.short)), need, need.short, "short"
                ),
                row,
                3,
            )
            self.grid.addWidget(
                self._people_link(
                    tr("未评价 {n}").format(n=len(need.unrated)), need, need.unrated, "unrated"
                ),
                row,
                4,
            )
        self.grid.setColumnStretch(2, 1)
        for widget in self.rows.findChildren(QWidget):
            widget.show()  # added to a card already on screen: not shown by themselves

    def _people_link(
        self, text: str, need: db.CompetencyNeed, people: Sequence[db.PersonRef], which: str
    ) -> QLabel:
        label = QLabel()
        label.setObjectName(f"competency-{which}-{need.competency}")
        if not people:
            label.setText(text)
            label.setStyleSheet("color: #adb5bd;")
            return label
        color = "#c92a2a" if which == "short" else "#1864ab"
        label.setText(f"<a href='#' style='color:{color}; text-decoration:none'>{text}</a>")
        label.setCursor(Qt.CursorShape.PointingHandCursor)
        title = (
            tr("{competency}未达到{n}级").format(competency=need.competency, n=need.expected)
            if which == "short"
            else tr("{competency}尚未评价").format(competency=need.competency)
        )
        label.linkActivated.connect(lambda _href: self.show_refs(title, people))
        return label
