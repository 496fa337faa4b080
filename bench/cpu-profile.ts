// Reading a server child's `node --cpu-prof` output (bench/profile-push.ts, bench/profile-server.ts):
// the child's largest profile, and its self time by function and by package or file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The profile `pid` wrote into `dir` (the main thread's is the largest). */
export function readProfile(dir: string, pid: number): { path: string; profile: Profile } {
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`))
    .sort((a, b) => statSync(`${dir}/${b}`).size - statSync(`${dir}/${a}`).size)[0];
  return { path: `${dir}/${newest}`, profile: JSON.parse(readFileSync(`${dir}/${newest}`, 'utf8')) as Profile };
}

const area = (u: string) =>
  u.includes('node_modules/')
    ? u.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
    : u.startsWith('node:')
      ? 'node:' + u.slice(5).split('/')[0]
      : u.includes(ROOT)
        ? u.replace(ROOT, '').replace(/^file:\/\//, '')
        : u || '(native/idle)';

/** Self time (ms) by function and by package/file, largest first. */
export function selfTimes(prof: Profile): { total: number; byFn: [string, number][]; byArea: [string, number][] } {
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const ms = (self.get(n.id) ?? 0) / 1000;
    total += ms;
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(ROOT, '')}:${n.callFrame.lineNumber}`;
    byFn.set(k, (byFn.get(k) ?? 0) + ms);
    const a = n.callFrame.functionName === '(idle)' ? '(idle)' : area(n.callFrame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, byFn: sorted(byFn), byArea: sorted(byArea) };
}

export const printTimes = (rows: [string, number][], n: number) => {
  for (const [k, v] of rows.slice(0, n)) console.log(`${v.toFixed(0).padStart(6)} ms  ${k}`);
};
