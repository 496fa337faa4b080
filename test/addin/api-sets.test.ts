// The add-in must run on every Excel the manifest admits (ExcelApi 1.9): every Excel API member that
// addin/excel uses is listed in addin/excel/api-requirements.ts with the set @types/office-js gives
// it, none is above the manifest's set, online-only or preview, and nothing used is left unlisted.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { EXCEL_MEMBERS, NOT_EXCEL, OPTION_KEYS } from '../../addin/excel/api-requirements';
import { excelApiSets, type MemberSet } from './office-api-sets';

const sets = excelApiSets();
const manifestMin = (() => {
  const m = /<Set Name="ExcelApi" MinVersion="(\d+)\.(\d+)"\/>/.exec(readFileSync('manifest.xml', 'utf8'));
  return [Number(m![1]), Number(m![2])] as const;
})();

/** The highest ExcelApi version a set text names ("ExcelApi 1.2 for options; 1.7 for password" → 1.7). */
function highest(set: string): [number, number] | null {
  if (!/^ExcelApi \d/.test(set)) return null; // ExcelApiOnline, ExcelApiDesktop, WordApi…: not for every Excel
  const all = [...set.matchAll(/(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
  return all.sort((a, b) => b[0] - a[0] || b[1] - a[1])[0];
}

/** Member names reached through `.` in source text (comments and string literals left out). */
function dotNames(source: string): Set<string> {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g, "''");
  return new Set([...code.matchAll(/\.\s*([A-Za-z_]\w*)/g)].map((m) => m[1]));
}

export function checkApiUse(
  sources: string[],
  members: Record<string, string>,
  options: Record<string, string>,
  lookup: Map<string, MemberSet>,
  min: readonly [number, number],
): string[] {
  const problems: string[] = [];
  const excelNames = new Set([...lookup.keys()].map((k) => k.split('.')[1]));
  for (const [key, set] of Object.entries({ ...members, ...options })) {
    const d = lookup.get(key);
    if (!d) {
      problems.push(`${key}: not in @types/office-js`);
      continue;
    }
    const actual = d.set ?? 'ExcelApi 1.1';
    if (actual !== set) problems.push(`${key}: the table says ${set}, @types/office-js ${actual}`);
    if (d.preview) problems.push(`${key}: preview only`);
    const v = highest(actual);
    if (!v) problems.push(`${key}: ${actual} is not a plain ExcelApi set (online-only or platform-specific)`);
    else if (v[0] > min[0] || (v[0] === min[0] && v[1] > min[1])) problems.push(`${key}: ${actual} is above the manifest's ExcelApi ${min.join('.')}`);
  }
  const used = new Set(sources.flatMap((s) => [...dotNames(s)]));
  const listed = new Set(Object.keys(members).map((k) => k.split('.')[1]));
  for (const name of used)
    if (excelNames.has(name) && !listed.has(name) && !NOT_EXCEL.includes(name))
      problems.push(`.${name}: an Excel API member used in addin/excel but not in the table`);
  for (const name of listed) if (!used.has(name)) problems.push(`.${name}: listed but no longer used (remove it from the table)`);
  return problems;
}

const dir = 'addin/excel';
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'api-requirements.ts')
  .map((f) => readFileSync(`${dir}/${f}`, 'utf8'));

describe('Excel API requirement sets', () => {
  it('the manifest declares ExcelApi 1.9', () => {
    expect(manifestMin).toEqual([1, 9]);
  });

  it('everything addin/excel uses is listed, and nothing listed is above 1.9, online-only or preview', () => {
    expect(checkApiUse(sources, EXCEL_MEMBERS, OPTION_KEYS, sets, manifestMin)).toEqual([]);
  });

  it('bites: a member above 1.9, an online-only one, an unlisted one, a stale table entry', () => {
    const newer = 'const r = sheet.getRangeByIndexes(0, 0, 1, 1); r.getSpillingToRangeOrNullObject(); r.getMergedAreasOrNullObject();';
    const problems = checkApiUse(
      [...sources, newer],
      { ...EXCEL_MEMBERS, 'Range.getSpillingToRangeOrNullObject': 'ExcelApi 1.12', 'Range.getCellProperties': 'ExcelApi 1.9' },
      OPTION_KEYS,
      sets,
      manifestMin,
    );
    expect(problems).toContain("Range.getSpillingToRangeOrNullObject: ExcelApi 1.12 is above the manifest's ExcelApi 1.9");
    expect(problems).toContain('.getMergedAreasOrNullObject: an Excel API member used in addin/excel but not in the table');
    expect(problems).toContain('.getCellProperties: listed but no longer used (remove it from the table)');
    const online = [...sets].find(([, d]) => d.set?.startsWith('ExcelApiOnline'))!;
    expect(checkApiUse(sources, { ...EXCEL_MEMBERS, [online[0]]: online[1].set! }, OPTION_KEYS, sets, manifestMin).join('\n')).toContain('online-only');
    expect(checkApiUse(sources, { ...EXCEL_MEMBERS, 'Range.values': 'ExcelApi 1.9' }, OPTION_KEYS, sets, manifestMin)).toContain(
      'Range.values: the table says ExcelApi 1.9, @types/office-js ExcelApi 1.1',
    );
  });
});
