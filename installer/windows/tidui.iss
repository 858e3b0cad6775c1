; Tidui 梯队 — Windows installer (Inno Setup 6).
; Build the bundle first (installer/build.sh, or the PyInstaller line in
; .github/workflows/windows.yml), then from the repository root:
;   iscc /DAppVersion=0.1.0 installer\windows\tidui.iss      -> build\installer\Tidui-0.1.0-setup.exe
; Without /DAppVersion the version is read from tidui.exe (the spec stamps core.__version__).
;
; Per-user install without administrator rights by default (%LOCALAPPDATA%\Programs\Tidui); an
; administrator may choose "for all users" in the first dialog. The uninstaller removes only
; what it installed: company files (.tidui, .tidui.keys), their .backups folders and the
; per-user data folder (%LOCALAPPDATA%\Tidui: demo company, logs) are never deleted.

#define AppName "Tidui 梯队"
#define AppExe "tidui.exe"
#define AppPublisher "Tidui"
#define BundleDir "..\..\build\dist\tidui"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + BundleDir + "\" + AppExe)
#endif

[Setup]
AppId={{1BC32EDB-9934-4BDA-9492-58C16EF4BEBF}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=© {#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoCompany={#AppPublisher}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} Setup
DefaultDirName={autopf}\Tidui
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
CloseApplications=yes
SetupIconFile=tidui.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\build\installer
OutputBaseFilename=Tidui-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
; Chinese first: it is the default when Windows' UI language is not English.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
; Older Inno Setup 6 releases ship it as an unofficial translation: the workflow fetches it here.
Name: "chinesesimplified"; MessagesFile: "ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.TiduiFile=Tidui 公司档案
english.TiduiFile=Tidui company file
chinesesimplified.KeepData=卸载不会删除您的公司档案（.tidui）、备份和日志。
english.KeepData=Uninstalling never deletes your company files (.tidui), backups or logs.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "tidui-file.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .tidui opens in Tidui with its own document icon (HKA: the user's classes in a per-user
; install, the machine's in an all-users one). A second double-click while Tidui runs is
; handed to the running window (desktop/single_instance.py).
Root: HKA; Subkey: "Software\Classes\.tidui"; ValueType: string; ValueName: ""; ValueData: "Tidui.CompanyFile"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tidui\OpenWithProgids"; ValueType: string; ValueName: "Tidui.CompanyFile"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Tidui.CompanyFile"; ValueType: string; ValueName: ""; ValueData: "{cm:TiduiFile}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Tidui.CompanyFile\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\tidui-file.ico"
Root: HKA; Subkey: "Software\Classes\Tidui.CompanyFile\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".tidui"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,Tidui}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [InstallDelete]: the uninstaller removes exactly the files it
; installed, so anything a user saved (company files, backups, exports) stays.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(CustomMessage('KeepData'), mbInformation, MB_OK);
end;
