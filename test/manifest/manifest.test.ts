// The add-in manifest: XSD-valid (offline, ../shared/office-manifest-xsd), lint-clean, and the checks bite.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { ADDIN_ID, buildManifest, DEV_BASE_URL, devBaseUrl, manifestVersion } from '../../server/manifest/manifest';
import { mountAddin } from '../../server/static';
import { lintManifest } from '../../server/manifest/lint';
import { validateManifestXsd, xsdAvailable, XSD_DIR } from '../../server/manifest/xsd';

const devXml = readFileSync('manifest.xml', 'utf8');
const noXsd = !xsdAvailable();
if (noXsd) console.warn(`SKIPPED XSD manifest tests: ${XSD_DIR} is missing`);

function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('manifest.xml', () => {
  it('is the generator output for https://localhost:3000 (no drift)', () => {
    expect(devXml).toBe(buildManifest(DEV_BASE_URL));
  });

  it.skipIf(noXsd)('validates against the Office manifest XSD', async () => {
    const r = await validateManifestXsd(devXml);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it.skipIf(noXsd)('XSD check rejects a copy with elements out of order', async () => {
    // Version must come before Id's sibling ProviderName; swap Id and Version.
    const broken = devXml.replace(/(  <Id>.*<\/Id>\n)(  <Version>.*<\/Version>\n)/, '$2$1');
    expect(broken).not.toBe(devXml);
    const r = await validateManifestXsd(broken);
    expect(r.valid).toBe(false);
    expect(r.errors.join('\n')).toMatch(/Version/);
  });

  it.skipIf(noXsd)('XSD check rejects an over-long ShortString and a bad GUID', async () => {
    const long = devXml.replace('DefaultValue="Key Tasks"', `DefaultValue="${'x'.repeat(126)}"`);
    expect((await validateManifestXsd(long)).valid).toBe(false);
    const guid = devXml.replace(/<Id>[^<]*<\/Id>/, '<Id>not-a-guid</Id>');
    expect((await validateManifestXsd(guid)).valid).toBe(false);
  });

  it('passes the lint, has the 重点任务 button, zh-CN overrides, ExcelApi 1.9, Workbook host', () => {
    expect(lintManifest(devXml)).toEqual([]);
    expect(devXml).toContain('<Host Name="Workbook"/>');
    expect(devXml).toContain('<Set Name="ExcelApi" MinVersion="1.9"/>');
    expect(devXml).toContain('<bt:Override Locale="zh-CN" Value="重点任务"/>');
    expect(devXml).toContain('<DefaultLocale>en-US</DefaultLocale>');
    expect(devXml).toContain('<Action xsi:type="ShowTaskpane">');
  });

  it('lint catches a dangling resid, a wrong-kind resid, http URLs, duplicate ids and long strings', () => {
    const codes = (xml: string) => lintManifest(xml).map((p) => p.code);
    expect(codes(devXml.replace('resid="Taskpane.Url"', 'resid="Taskpane.Missing"'))).toContain('RESID_MISSING');
    expect(codes(devXml.replace('<Label resid="Group.Label"/>', '<Label resid="Taskpane.Url"/>'))).toContain('RESID_WRONG_KIND');
    expect(codes(devXml.replace('https://localhost:3000/addin/taskpane.html"', 'http://localhost:3000/addin/taskpane.html"'))).toContain('NOT_HTTPS');
    expect(codes(devXml.replace('<bt:Image id="Icon.32x32"', '<bt:Image id="Icon.16x16"'))).toContain('DUPLICATE_ID');
    expect(codes(devXml.replace('Value="重点任务"', `Value="${'重'.repeat(126)}"`))).toContain('STRING_TOO_LONG');
    expect(codes(devXml.replace('<bt:Image size="80" resid="Icon.80x80"/>', ''))).toContain('ICON_SIZES');
  });

  it('reads back with office-addin-manifest: Version from package.json, 64×64 high-resolution icon', async () => {
    const info = await OfficeAddinManifest.readManifestFile('manifest.xml');
    expect(info.version).toBe(manifestVersion(JSON.parse(readFileSync('package.json', 'utf8')).version));
    expect(info.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(info.highResolutionIconUrl).toBe('https://localhost:3000/assets/icon-64.png');
    expect(pngSize('assets/icon-64.png')).toEqual([64, 64]);
    expect(info.hosts).toEqual(['Workbook']);
    expect(info.defaultSettings?.sourceLocation).toBe('https://localhost:3000/addin/taskpane.html');
    expect(manifestVersion('1.2.3-beta.1')).toBe('1.2.3.0');
  });

  it('the served /manifest.xml follows PORT when no public URL is set', async () => {
    const app = new Hono();
    mountAddin(app, { port: 4123 });
    const xml = await (await app.request('/manifest.xml')).text();
    expect(xml).toContain('<SourceLocation DefaultValue="https://localhost:4123/addin/taskpane.html"/>');
    expect(xml).not.toContain('localhost:3000');
    expect(lintManifest(xml)).toEqual([]);
    expect(devBaseUrl(undefined)).toBe(DEV_BASE_URL);
  });

  it('icons referenced by the manifest exist with the right pixel sizes', () => {
    for (const size of [16, 32, 64, 80]) {
      expect(devXml).toContain(`/assets/icon-${size}.png`);
      expect(pngSize(`assets/icon-${size}.png`)).toEqual([size, size]);
    }
  });
});

describe('qingdan manifest --url', () => {
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'manifest', ...args], { encoding: 'utf8', stdio: 'pipe' });

  it.skipIf(noXsd)('writes an XSD-valid manifest for a deployment URL with a path', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qd-manifest-')), 'm.xml');
    cli('--url', 'https://plan.example.org/qingdan/', '--out', out);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('<SourceLocation DefaultValue="https://plan.example.org/qingdan/addin/taskpane.html"/>');
    expect(xml).toContain('<AppDomain>https://plan.example.org</AppDomain>');
    expect(xml).not.toContain('localhost');
    expect(lintManifest(xml)).toEqual([]);
    expect((await validateManifestXsd(xml)).valid).toBe(true);
  });

  it.skipIf(noXsd)('gives a deployment copy its own id and name through office-addin-manifest', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qd-manifest-')), 'm.xml');
    cli('--url', 'https://test.example.org', '--out', out, '--id', 'random', '--name', '清单·测试');
    const info = await OfficeAddinManifest.readManifestFile(out);
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.id).not.toBe(ADDIN_ID);
    expect(info.displayName).toBe('清单·测试');
    expect(info.defaultSettings?.sourceLocation).toBe('https://test.example.org/addin/taskpane.html');
    expect((await validateManifestXsd(readFileSync(out, 'utf8'))).valid).toBe(true);
  });

  it('refuses an http URL with a coded Chinese error and exit code 2', () => {
    let err: any;
    try {
      cli('--url', 'http://plan.example.org');
    } catch (e) {
      err = e;
    }
    expect(err?.status).toBe(2);
    expect(String(err?.stderr)).toContain('错误 [BAD_URL]：地址须为 https');
  });
});
