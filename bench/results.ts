// Writing a section of bench/RESULTS.md between <!-- bench:name --> markers (npm run bench, npm run soak).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const resultsPath = join(new URL('.', import.meta.url).pathname, 'RESULTS.md');
export const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

export function writeSection(name: string, body: string): void {
  let results = existsSync(resultsPath)
    ? readFileSync(resultsPath, 'utf8')
    : '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs again.\n';
  const section = `<!-- bench:${name} -->\n## ${name}\n\n_${new Date().toISOString().slice(0, 10)} · ${machine}_\n\n${body.trim()}\n<!-- /bench:${name} -->`;
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  results = re.test(results) ? results.replace(re, section) : `${results.trimEnd()}\n\n${section}\n`;
  writeFileSync(resultsPath, results);
}
