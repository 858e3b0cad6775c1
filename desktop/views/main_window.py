"""The main window: sidebar navigation, the current screen, and who is logged in where."""

from __future__ import annotations

import contextlib
import html
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import __version__
from core.errors import TiduiError
from core.i18n import render
from desktop.i18n import tr
from desktop.viewmodels import worker
from desktop.viewmodels.idle_vm import IdleWatcher
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.views.focus import tab_stops
from desktop.views.navigation import PAGES, PageSpec, load_page_class

# What the import wizard opens; kept in one place with the reader (core/importers/reading.py).
IMPORTABLE = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
GEOMETRY_KEY = "main_window/geometry"
PREFERRED_SIZE = QSize(1280, 800)  # on a screen with room for it and its frame


class MainWindow(QMainWindow):
    lock_requested = Signal()
    close_requested = Signal()
    quit_requested = Signal()  # 退出: close the file, then end the application

    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.setAcceptDrops(True)
        self._allow_close = False
        self.pages: dict[str, QWidget] = {}
        self.specs: list[PageSpec] = []
        # per screen, the control the keyboard was last in: coming back puts it there again
        self._last_focus: dict[QWidget, QWidget] = {}

        self.sidebar = QListWidget()
        self.sidebar.setFixedWidth(150)
        self.sidebar.setIconSize(QSize(18, 18))
        self.sidebar.setStyleSheet(
            # outline: no focus frame drawn inside the selected item (it read as a stray box)
            "QListWidget { background: #1f2d3d; color: #e8eef5; border: none; font-size: 14px;"
            " outline: 0; }"
            "QListWidget::item { padding: 12px 14px; }"
            "QListWidget::item:selected { background: #2f6fad; color: white; }"
            # with the keyboard on the sidebar (Tab or a click), the chosen screen says so: ↑ ↓
            # move here, not in the screen
            "QListWidget::item:selected:focus { background: #3d86cc;"
            " border-left: 4px solid #ffd54f; padding-left: 10px; }"
        )
        self.sidebar.currentRowChanged.connect(self.on_sidebar_row_changed)
        # chosen with the mouse or Enter: the keyboard goes to the screen (its Ctrl+N, Ctrl+S,
        # Ctrl+F work only with the focus inside it); ↑/↓ on the sidebar stay on the sidebar
        self.sidebar.itemClicked.connect(lambda _item: self.focus_page())
        self.sidebar.itemActivated.connect(lambda _item: self.focus_page())
        self.stack = QStackedWidget()
        self.locked_cover = QLabel(tr("已锁定。请重新登录。"))
        self.locked_cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_cover.setStyleSheet("font-size: 18px; color: #777;")

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        content = QVBoxLayout()
        content.setContentsMargins(12, 12, 12, 12)
        content.addWidget(self.stack)
        layout.addLayout(content, 1)
        self.body = body
        self.central = QStackedWidget()
        self.central.addWidget(body)
        self.central.addWidget(self.locked_cover)
        self.setCentralWidget(self.central)

        self.company_label = QLabel()
        self.user_label = QLabel()
        self.statusBar().addWidget(self.company_label)
        self.statusBar().addPermanentWidget(self.user_label)

        self._build_menus()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self.on_focus_changed)
        # Auto-lock after idle minutes (Settings → 我的账号): the same lock as Ctrl+L.
        self.idle_watcher = IdleWatcher(self)
        self.idle_watcher.idle.connect(self.on_idle)
        session_vm.actor_changed.connect(self.on_actor_changed)
        session_vm.data_changed.connect(self.on_data_changed)
        self.rebuild()
        self.restore_placement()

    # -- size and place: fit the screen, then as the user left it -------------------------
    def restore_placement(self) -> None:
        """Open as the user left it (QSettings, across log-ins and runs), else fitting the
        available screen: maximised on a small one such as 1366×768 (status bar in view)."""
        saved = QSettings().value(GEOMETRY_KEY)
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            area = self.screen().availableGeometry()
            if self.width() > area.width() or self.height() > area.height():
                self.resize(min(self.width(), area.width()), min(self.height(), area.height()))
            return
        area = self.screen().availableGeometry()
        if (
            area.width() < PREFERRED_SIZE.width() + 80
            or area.height() < PREFERRED_SIZE.height() + 60
        ):
            self.resize(area.size())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            return
        self.resize(PREFERRED_SIZE)
        self.move(area.center() - self.rect().center())

    def save_placement(self) -> None:
        QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())

    # -- building -------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("文件(&F)"))
        self.lock_action = QAction(tr("锁定(&L)"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.on_lock_triggered)
        self.backup_action = QAction(tr("立即备份(&B)"), self)
        self.backup_action.triggered.connect(self.on_backup_triggered)
        self.close_action = QAction(tr("关闭档案(&C)"), self)
        self.close_action.setShortcut(QKeySequence("Ctrl+W"))
        self.close_action.triggered.connect(self.on_close_file_triggered)
        self.quit_action = QAction(tr("退出(&Q)"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.on_quit_triggered)
        for action in (self.lock_action, self.backup_action, self.close_action, self.quit_action):
            file_menu.addAction(action)
        self.addAction(self.lock_action)
        self.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu(tr("帮助(&H)"))
        about = QAction(tr("关于 Tidui"), self)
        about.triggered.connect(self.on_about_triggered)
        help_menu.addAction(about)
        self.shortcuts_action = QAction(tr("快捷键"), self)
        self.shortcuts_action.triggered.connect(self.on_shortcuts_triggered)
        help_menu.addAction(self.shortcuts_action)
        self.shortcuts_box: QMessageBox | None = None
        # Ctrl+1..9 jump to a screen
        for n in range(1, 10):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _checked=False, row=n - 1: self.go_to(row))
            self.addAction(action)

    def rebuild(self) -> None:
        """(Re)create the screens the current user may see."""
        for page in self.pages.values():
            # the old page may still signal (its viewmodel hears the same actor_changed) after
            # its sidebar item is gone
            badge = getattr(page, "sidebar_title_changed", None)
            if badge is not None:
                with contextlib.suppress(RuntimeError, TypeError):
                    badge.disconnect()
            # A job's result may already be queued ahead of the deleteLater: drop it now, so the
            # old screen hears nothing more of its background work.
            for runner in page.findChildren(worker.LatestJob):
                runner.cancel()
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._last_focus.clear()
        self.specs = []
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        # Import every screen first: a feature may extend another one's screen when imported
        # (the eligibility feature adds tabs to the employee form), and it must be in place
        # before that screen shows its first record.
        classes = {spec.key: load_page_class(spec) for spec in PAGES}
        for spec in PAGES:
            if spec.perm is not None and not self.session_vm.can(spec.perm):
                continue
            cls = classes[spec.key]
            if cls is None:
                continue
            page = cls(self.session_vm, self)
            self.pages[spec.key] = page
            self.specs.append(spec)
            self.stack.addWidget(page)
            item = QListWidgetItem(tr(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.sidebar.addItem(item)
            badge = getattr(page, "sidebar_title_changed", None)  # e.g. 待我处理 (3)
            if badge is not None:
                badge.connect(lambda text, it=item: it.setText(text))
        self.sidebar.blockSignals(False)
        # where this account left off on this file, else the first page (the dashboard)
        opening = self.session_vm.opening_page([spec.key for spec in self.specs])
        row = next((i for i, spec in enumerate(self.specs) if spec.key == opening), 0)
        self.sidebar.setCurrentRow(row)
        self.on_sidebar_row_changed(row)
        self.refresh_labels()

    def refresh_labels(self) -> None:
        app = self.session_vm.app
        name = self.session_vm.company_name()
        self.setWindowTitle(f"{name} — Tidui 梯队")
        self.company_label.setText(f"{name}  ·  {app.file.path.name}")
        actor = app.actor
        self.user_label.setText(
            tr("当前用户：{name}（{role}）").format(
                name=actor.display_name, role=render(f"role.{actor.role}")
            )
        )

    def page(self, key: str) -> QWidget | None:
        return self.pages.get(key)

    def show_page(self, key: str) -> None:
        for row, spec in enumerate(self.specs):
            if spec.key == key:
                self.sidebar.setCurrentRow(row)

    def go_to(self, row: int) -> None:
        """Ctrl+1 … Ctrl+9: the screen in that row of the sidebar, with the keyboard in it."""
        if 0 <= row < self.sidebar.count():
            self.sidebar.setCurrentRow(row)
            self.focus_page()

    def focus_page(self) -> None:
        """The keyboard to the shown screen: back to the control it was last in there, else
        to the screen's list or search field (else its first control); unless it is in that
        screen already. Switching screens left it on the sidebar, where the screen's own
        shortcuts (新建员工 Ctrl+N, 保存 Ctrl+S, 查找 Ctrl+F) did nothing."""
        page = self.stack.currentWidget()
        focused = QApplication.focusWidget()
        if page is None:
            return
        if focused is not None and page.isAncestorOf(focused):
            return
        last = self._last_focus.get(page)
        if (
            last is not None
            and shiboken6.isValid(last)
            and page.isAncestorOf(last)
            and last.isVisible()
            and last.isEnabled()
        ):
            # as a window given back the keyboard: the cursor where it was, nothing selected
            # (a shortcut's focus selects a field's whole text, and the next key replaced it)
            last.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
            return
        candidates = tab_stops(page)
        main = [w for w in candidates if isinstance(w, QLineEdit | QAbstractItemView)]
        chosen = (main or candidates or [None])[0]
        if chosen is not None:
            chosen.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- slots ----------------------------------------------------------------
    @Slot(QWidget, QWidget)
    def on_focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        page = self.stack.currentWidget()
        if now is not None and page is not None and page.isAncestorOf(now):
            self._last_focus[page] = now

    @Slot(int)
    def on_sidebar_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            key = self.specs[row].key
            self.stack.setCurrentWidget(self.pages[key])
            self.session_vm.remember_page(key)

    @Slot()
    def on_actor_changed(self) -> None:
        self.unlock_view()
        self.rebuild()

    @Slot(str)
    def on_data_changed(self, area: str) -> None:
        if area == ChangeArea.COMPANY:
            self.refresh_labels()

    def pages_allow_leaving(self) -> bool:
        """Ask every screen with unsaved edits (``confirm_leave()``/``can_leave()`` -> bool) first."""
        for page in self.pages.values():
            confirm = getattr(page, "confirm_leave", None) or getattr(page, "can_leave", None)
            if callable(confirm) and not confirm():
                return False
        return True

    @Slot()
    def on_lock_triggered(self) -> None:
        if not self.pages_allow_leaving():
            return
        self.lock_view()
        self.lock_requested.emit()

    @Slot()
    def on_idle(self) -> None:
        """Nobody touched Tidui for the set minutes: lock (unsaved edits stay where they are)."""
        if self.central.currentWidget() is self.locked_cover:
            return
        self.lock_view()
        self.lock_requested.emit()

    def lock_view(self) -> None:
        self.idle_watcher.pause()
        self.central.setCurrentWidget(self.locked_cover)
        self.menuBar().setEnabled(False)
        self.statusBar().hide()  # no company or person names on the lock screen either

    def unlock_view(self) -> None:
        self.central.setCurrentWidget(self.body)
        self.menuBar().setEnabled(True)
        self.statusBar().show()
        self.idle_watcher.resume()

    @Slot()
    def on_backup_triggered(self) -> None:
        try:
            made = self.session_vm.app.file.backup(reason="manual")
        except (OSError, TiduiError) as exc:  # a damaged file is not backed up
            QMessageBox.warning(
                self, tr("备份"), exc.text() if isinstance(exc, TiduiError) else str(exc)
            )
            return
        self.statusBar().showMessage(render("backup.done", {"file": str(made)}), 8000)

    @Slot()
    def on_close_file_triggered(self) -> None:
        if self.pages_allow_leaving():
            self.close_requested.emit()

    @Slot()
    def on_quit_triggered(self) -> None:
        if self.pages_allow_leaving():
            self.quit_requested.emit()

    @Slot()
    def on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            tr("关于 Tidui"),
            tr(
                "Tidui 梯队 {version} — 小型电商团队的晋升与人才梯队工具。数据保存在本机的加密文件中（SQLCipher 4）。"
            ).format(version=__version__),
        )

    def on_shortcuts_triggered(self) -> None:
        native = QKeySequence.SequenceFormat.NativeText
        rows = [
            (a.shortcut().toString(native), a.text().replace("&", ""))
            for a in (self.lock_action, self.close_action, self.quit_action)
        ]
        rows.append(("Ctrl+1 … Ctrl+9", tr("切换到左侧第 1…9 个页面")))
        # a table, not tab stops: "Ctrl+1 … Ctrl+9" is wider than the first tab stop, which
        # pushed its text to the next one, far right of the others
        table = "".join(
            f"<tr><td style='padding-right: 16px'>{html.escape(keys)}</td>"
            f"<td>{html.escape(text)}</td></tr>"
            for keys, text in rows
        )
        self.shortcuts_box = QMessageBox(
            QMessageBox.Icon.Information, tr("快捷键"), f"<table>{table}</table>", parent=self
        )
        self.shortcuts_box.setTextFormat(Qt.TextFormat.RichText)
        self.shortcuts_box.open()

    # -- drag and drop: store exports go to the import screen --------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(_importable(Path(u.toLocalFile())) for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls()]
        paths = [p for p in paths if _importable(p)]
        page = self.pages.get("imports")
        if paths and page is not None and hasattr(page, "start_import"):
            self.show_page("imports")
            page.start_import(paths)
            event.acceptProposedAction()

    # -- closing ----------------------------------------------------------------
    def allow_close(self) -> None:
        self._allow_close = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._allow_close:
            self.save_placement()
            event.accept()
            return
        event.ignore()
        if self.pages_allow_leaving():
            self.close_requested.emit()


def _importable(path: Path) -> bool:
    """A spreadsheet, or a folder (the month's exports) the import screen reads."""
    return path.suffix.lower() in IMPORTABLE or path.is_dir()
