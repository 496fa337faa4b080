// Reads the requirement set of every Excel API member from @types/office-js: the JSDoc of each class
// or interface member in `declare namespace Excel` carries "[Api set: ExcelApi 1.7]" (or
// ExcelApiOnline …, or "BETA (PREVIEW ONLY)" for preview). Test-only (Node).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface MemberSet {
  set: string | null; // "ExcelApi 1.7"; null when the d.ts names none (e.g. loadable interfaces)
  preview: boolean;
}

export function excelApiSets(): Map<string, MemberSet> {
  const file = createRequire(import.meta.url).resolve('@types/office-js/index.d.ts');
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = new Map<string, MemberSet>();
  let inExcel = false;
  let owner: string | null = null;
  let doc: string[] = [];
  for (const line of lines) {
    if (/^declare namespace /.test(line)) inExcel = line.startsWith('declare namespace Excel ');
    if (!inExcel) continue;
    const cls = /^ {4}(?:class|interface) (\w+)/.exec(line);
    if (cls) {
      owner = cls[1];
      doc = [];
      continue;
    }
    if (/^ {4}namespace /.test(line)) owner = null; // Excel.Interfaces: load/update shapes, not API members
    if (/^ {8}\/\*\*/.test(line)) doc = [];
    if (/^ {8}( \*|\/\*\*)/.test(line)) {
      doc.push(line);
      continue;
    }
    const member = /^ {8}(?:readonly )?(\w+)\??[(:<]/.exec(line);
    if (member && owner) {
      const text = doc.join('\n');
      const set = /\[Api set: ([^\]]+)\]/.exec(text)?.[1]?.trim() ?? null;
      const key = `${owner}.${member[1]}`;
      const preview = /BETA|PREVIEW|@beta/i.test(text);
      // Overloads repeat a member: keep the lowest set named.
      if (!out.has(key) || (set && !out.get(key)!.set)) out.set(key, { set, preview });
      doc = [];
    }
  }
  return out;
}

/** "ExcelApi 1.9" → [1, 9]; other sets (ExcelApiOnline, ExcelApiDesktop, …) → null. */
export function excelApiVersion(set: string | null): [number, number] | null {
  const m = /^ExcelApi (\d+)\.(\d+)$/.exec(set ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}
