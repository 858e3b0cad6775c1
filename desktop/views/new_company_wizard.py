"""新建公司档案: company and file, owner account, then the recovery key shown once."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QDir, Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.i18n import tr
from desktop.viewmodels.new_company_vm import NewCompanyViewModel, suggested_file_name
from desktop.views import files
from desktop.views.printing import ask_and_print


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


def available_templates() -> list[tuple[str, str]]:
    """Template choices: a blank ladder or one of the built-in templates."""
    return [
        ("none", tr("不使用模板（空白）")),
        ("home", tr("模板 A — 家居电商（店铺运营通道）")),
        ("beauty", tr("模板 B — 美妆电商（店铺/用户/直播运营）")),
    ]


def clean_folder(text: str) -> str:
    """The folder as the user should see it: one separator between names, none at the end
    (a dialog's "/home/me/" + "/" showed as "/home/me//悦颜.tidui"), native separators."""
    text = text.strip()
    if not text:
        return ""
    unc = os.name == "nt" and text[:2] in ("\\\\", "//")
    cleaned = QDir.cleanPath(text)
    if unc and not cleaned.startswith("//"):
        cleaned = "/" + cleaned
    return QDir.toNativeSeparators(cleaned)


class CompanyPage(QWizardPage):
    def __init__(self, vm: NewCompanyViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.setTitle(tr("公司与文件"))
        self.setSubTitle(tr("公司档案是一个加密文件，保存公司的全部数据。"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("例如：悦颜美妆"))
        # where company files were last put on this PC, else 文档 (not the home folder's top)
        self.folder = QLineEdit(clean_folder(str(files.start_folder(files.COMPANY))))
        self.folder.editingFinished.connect(self.on_folder_edited)
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self.on_browse_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.file_name = QLineEdit()
        self.template = QComboBox()
        for key, label in available_templates():
            self.template.addItem(label, key)
        self.error = _error_label()
        form = QFormLayout(self)
        form.addRow(tr("公司名称"), self.name)
        form.addRow(tr("保存位置"), folder_row)
        form.addRow(tr("文件名"), self.file_name)
        form.addRow(tr("晋升通道模板"), self.template)
        form.addRow(self.error)
        self.name.textChanged.connect(self.on_name_changed)
        self.name.textChanged.connect(self.completeChanged)
        self.folder.textChanged.connect(self.completeChanged)
        self._auto_name = True
        self.file_name.textEdited.connect(self.on_file_name_edited)

    @Slot(str)
    def on_name_changed(self, text: str) -> None:
        if self._auto_name:
            self.file_name.setText(suggested_file_name(text))

    @Slot(str)
    def on_file_name_edited(self, _text: str) -> None:
        self._auto_name = False

    @Slot()
    def on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("选择保存位置"), self.folder.text())
        if folder:
            files.remember(files.COMPANY, Path(folder))
            self.folder.setText(clean_folder(folder))

    @Slot()
    def on_folder_edited(self) -> None:
        cleaned = clean_folder(self.folder.text())
        if cleaned != self.folder.text():
            self.folder.setText(cleaned)

    def _sync(self) -> None:
        self.vm.company_name = self.name.text()
        self.vm.folder = Path(clean_folder(self.folder.text()) or ".")
        name = self.file_name.text().strip() or suggested_file_name(self.name.text())
        self.vm.file_name = name if name.endswith(".tidui") else name + ".tidui"
        self.vm.template = str(self.template.currentData())

    def isComplete(self) -> bool:
        return bool(self.name.text().strip() and self.folder.text().strip())

    def validatePage(self) -> bool:
        self._sync()
        problems = self.vm.company_problems()
        self.error.setText("\n".join(m.text() for m in problems))
        return not problems


class OwnerPage(QWizardPage):
    def __init__(self, vm: NewCompanyViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.setTitle(tr("老板账号"))
        self.setSubTitle(tr("老板拥有全部权限。密码用来解锁加密的公司档案，请牢记。"))
        self.login = QLineEdit()
        self.login.setPlaceholderText(tr("登录名，例如 boss"))
        self.display = QLineEdit()
        self.display.setPlaceholderText(tr("显示名，例如 王老板"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.hint = QLabel()
        self.error = _error_label()
        form = QFormLayout(self)
        form.addRow(tr("登录名"), self.login)
        form.addRow(tr("显示名"), self.display)
        form.addRow(tr("密码"), self.password)
        form.addRow("", self.meter)
        form.addRow("", self.hint)
        form.addRow(tr("再次输入密码"), self.repeat)
        form.addRow(self.error)
        self.password.textChanged.connect(self.on_password_changed)
        for edit in (self.login, self.password, self.repeat):
            edit.textChanged.connect(self.completeChanged)

    @Slot(str)
    def on_password_changed(self, text: str) -> None:
        self.vm.password = text
        level, label = self.vm.strength()
        self.meter.setValue(level)
        color = ["#cccccc", "#d9534f", "#f0ad4e", "#5bc0de", "#5cb85c"][level]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {color}; }}")
        self.hint.setText(label)

    def isComplete(self) -> bool:
        return bool(self.login.text().strip() and self.password.text() and self.repeat.text())

    def validatePage(self) -> bool:
        self.vm.owner_login = self.login.text().strip()
        self.vm.owner_name = self.display.text().strip()
        self.vm.password = self.password.text()
        self.vm.repeat = self.repeat.text()
        problems = self.vm.owner_problems()
        self.error.setText("\n".join(m.text() for m in problems))
        return not problems


class RecoveryPage(QWizardPage):
    def __init__(self, vm: NewCompanyViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.setTitle(tr("恢复密钥"))
        self.setSubTitle(
            tr("请打印或保存恢复密钥。它只显示这一次；忘记老板密码时，只有它能打开档案。")
        )
        self.status = QLabel(tr("正在创建加密的公司档案…"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.key = QLabel()
        mono = QFont("WenQuanYi Micro Hei Mono")
        mono.setPointSize(15)
        mono.setBold(True)
        self.key.setFont(mono)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setStyleSheet("border: 2px solid #1f4e79; padding: 10px; background: #f5f9ff;")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setWordWrap(True)
        self.explain = QLabel(
            tr(
                "恢复密钥就是数据文件的 SQLCipher 4 密钥：任何 SQLCipher 4 客户端都能用它打开数据，您的数据永远不会被锁在 Tidui 里。任何拿到它和数据文件的人都能读取全部数据，请像保管公章一样保管它。"
            )
        )
        self.explain.setWordWrap(True)
        self.print_button = QPushButton(tr("打印…"))
        self.pdf_button = QPushButton(tr("保存为 PDF…"))
        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.print_button.clicked.connect(self.on_print_clicked)
        self.pdf_button.clicked.connect(self.on_save_pdf_clicked)
        self.saved = QCheckBox(tr("我已妥善保存恢复密钥"))
        self.saved.toggled.connect(self.completeChanged)
        self.error = _error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.key)
        layout.addWidget(self.explain)
        layout.addLayout(buttons)
        layout.addWidget(self.saved)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._show_key(False)
        vm.created.connect(self.on_created)
        vm.failed.connect(self.on_failed)

    def _show_key(self, shown: bool) -> None:
        for w in (
            self.key,
            self.explain,
            self.print_button,
            self.pdf_button,
            self.copy_button,
            self.saved,
        ):
            w.setVisible(shown)
        self.busy.setVisible(not shown)

    def initializePage(self) -> None:
        self.error.clear()
        if self.vm.app is None and not self.vm.busy:
            self.status.setText(tr("正在创建加密的公司档案…"))
            self._show_key(False)
            self.vm.create()

    @Slot(object, str)
    def on_created(self, _app: object, key: str) -> None:
        self.status.setText(tr("公司档案已创建：") + str(self.vm.path))
        groups = key.split("-")
        self.key.setText("-".join(groups[:4]) + "-\n" + "-".join(groups[4:]))
        self._show_key(True)
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)
            wizard.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        self.completeChanged.emit()

    @Slot(str)
    def on_failed(self, text: str) -> None:
        self.busy.setVisible(False)
        self.status.setText(tr("创建失败"))
        self.error.setText(text)

    @Slot()
    def on_copy_clicked(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self.vm.recovery_key)
        self.status.setText(tr("恢复密钥已复制到剪贴板。粘贴保存后请清空剪贴板。"))

    @Slot()
    def on_print_clicked(self) -> None:
        ask_and_print(self.vm.recovery_sheet_pdf(), self, tr("打印恢复密钥"))

    @Slot()
    def on_save_pdf_clicked(self) -> None:
        default = str(self.vm.path.with_name(self.vm.path.stem + "-恢复密钥.pdf"))
        path = files.save_file(
            self, tr("保存恢复密钥"), default, "PDF (*.pdf)", files.RECOVERY, ".pdf"
        )
        if path is not None:
            self.vm.save_recovery_sheet(path)
            self.status.setText(tr("已保存：") + str(path))

    def isComplete(self) -> bool:
        return self.vm.app is not None and self.saved.isChecked()


class NewCompanyWizard(QWizard):
    def __init__(self, vm: NewCompanyViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(tr("新建公司档案"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("取消"))
        self.company_page = CompanyPage(vm)
        self.owner_page = OwnerPage(vm)
        self.recovery_page = RecoveryPage(vm)
        self.addPage(self.company_page)
        self.addPage(self.owner_page)
        self.addPage(self.recovery_page)
        self.resize(640, 520)

    def reject(self) -> None:
        if self.vm.app is not None:
            QMessageBox.information(
                self,
                tr("新建公司档案"),
                tr("档案已创建。请先保存恢复密钥并勾选“我已妥善保存恢复密钥”。"),
            )
            return
        super().reject()
