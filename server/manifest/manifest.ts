// The XML add-in manifest (TaskPaneApp for Workbook), generated for a base URL so the dev manifest
// (https://localhost:3000) and a deployment's (`qingdan manifest --url …`) come from one template.
// Pure string building: no Node or DOM imports, so the CLI, the server and the tests share it.
import pkg from '../../package.json';

/** Fixed add-in id: Excel tracks sideloaded add-ins by it, so it must not change between builds. */
export const ADDIN_ID = '7d3c1f52-6a0e-4b8e-9c41-2f5a8e1b9d60';

/** package.json's version as the manifest wants it: four numbers (0.1.0 → 0.1.0.0; a -pre tag dropped). */
export function manifestVersion(version: string): string {
  const parts = version
    .split(/[-+]/)[0]
    .split('.')
    .map((n) => String(Number(n) || 0));
  while (parts.length < 4) parts.push('0');
  return parts.slice(0, 4).join('.');
}
export const ADDIN_VERSION = manifestVersion(pkg.version);

interface Text {
  en: string;
  zh: string;
}

const STRINGS = {
  displayName: { en: 'qingdan Key Tasks', zh: '清单·重点任务' },
  description: {
    en: 'Fill, validate and sync the monthly progress of a work plan’s key tasks and targets.',
    zh: '填报、校验并同步工作要点重点任务和指标的月度进展。',
  },
  groupLabel: { en: 'qingdan', zh: '清单' },
  buttonLabel: { en: 'Key Tasks', zh: '重点任务' },
  buttonTooltip: {
    en: 'Open the qingdan task pane: pick a plan and month, fill the sheet, validate and sync.',
    zh: '打开清单任务窗格：选择计划和月份，填充清单、校验并同步。',
  },
  getStartedTitle: { en: 'qingdan is ready', zh: '清单已加载' },
  getStartedDescription: {
    en: 'Press Key Tasks on the Home tab to report progress.',
    zh: '点击“开始”选项卡上的“重点任务”按钮填报进展。',
  },
} satisfies Record<string, Text>;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A base URL must be absolute https without query or fragment (Office refuses http add-ins). */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`地址无效：${raw}`);
  }
  if (url.protocol !== 'https:') throw new Error(`地址须为 https：${raw}`);
  if (url.search || url.hash) throw new Error(`地址不能带查询参数或锚点：${raw}`);
  return url.href.replace(/\/+$/, '');
}

function top(tag: string, t: Text): string {
  return `  <${tag} DefaultValue="${esc(t.en)}">\n    <Override Locale="zh-CN" Value="${esc(t.zh)}"/>\n  </${tag}>`;
}
function btString(id: string, t: Text): string {
  return `        <bt:String id="${id}" DefaultValue="${esc(t.en)}">\n          <bt:Override Locale="zh-CN" Value="${esc(t.zh)}"/>\n        </bt:String>`;
}

/** The ribbon button that opens the task pane, with its icons, URLs and strings. */
function versionOverrides(base: string): string {
  const icons = `
                  <Icon>
                    <bt:Image size="16" resid="Icon.16x16"/>
                    <bt:Image size="32" resid="Icon.32x32"/>
                    <bt:Image size="80" resid="Icon.80x80"/>
                  </Icon>`;
  return `  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <DesktopFormFactor>
          <GetStarted>
            <Title resid="GetStarted.Title"/>
            <Description resid="GetStarted.Description"/>
            <LearnMoreUrl resid="GetStarted.LearnMoreUrl"/>
          </GetStarted>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <OfficeTab id="TabHome">
              <Group id="Qingdan.Group">
                <Label resid="Group.Label"/>${icons}
                <Control xsi:type="Button" id="Qingdan.TaskpaneButton">
                  <Label resid="TaskpaneButton.Label"/>
                  <Supertip>
                    <Title resid="TaskpaneButton.Label"/>
                    <Description resid="TaskpaneButton.Tooltip"/>
                  </Supertip>${icons.replace(/\n {18}/g, '\n                  ')}
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>Qingdan.Taskpane</TaskpaneId>
                    <SourceLocation resid="Taskpane.Url"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="Icon.16x16" DefaultValue="${base}/assets/icon-16.png"/>
        <bt:Image id="Icon.32x32" DefaultValue="${base}/assets/icon-32.png"/>
        <bt:Image id="Icon.80x80" DefaultValue="${base}/assets/icon-80.png"/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="GetStarted.LearnMoreUrl" DefaultValue="${base}/addin/help.html"/>
        <bt:Url id="Taskpane.Url" DefaultValue="${base}/addin/taskpane.html"/>
      </bt:Urls>
      <bt:ShortStrings>
${btString('GetStarted.Title', STRINGS.getStartedTitle)}
${btString('Group.Label', STRINGS.groupLabel)}
${btString('TaskpaneButton.Label', STRINGS.buttonLabel)}
      </bt:ShortStrings>
      <bt:LongStrings>
${btString('GetStarted.Description', STRINGS.getStartedDescription)}
${btString('TaskpaneButton.Tooltip', STRINGS.buttonTooltip)}
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>`;
}

export function buildManifest(baseUrl: string): string {
  const base = esc(normalizeBaseUrl(baseUrl));
  const origin = esc(new URL(normalizeBaseUrl(baseUrl)).origin);
  return `<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0" xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>${ADDIN_ID}</Id>
  <Version>${ADDIN_VERSION}</Version>
  <ProviderName>qingdan</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
${top('DisplayName', STRINGS.displayName)}
${top('Description', STRINGS.description)}
  <IconUrl DefaultValue="${base}/assets/icon-32.png"/>
  <HighResolutionIconUrl DefaultValue="${base}/assets/icon-64.png"/>
  <SupportUrl DefaultValue="${base}/addin/help.html"/>
  <AppDomains>
    <AppDomain>${origin}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="ExcelApi" MinVersion="1.9"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="${base}/addin/taskpane.html"/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
${versionOverrides(base)}
</OfficeApp>
`;
}

export const DEV_BASE_URL = 'https://localhost:3000';

/** The dev URL for the port the server listens on (PORT): the manifest.xml in the repository is for 3000. */
export function devBaseUrl(port: string | number | undefined = 3000): string {
  return `https://localhost:${port || 3000}`;
}
