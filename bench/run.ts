// `npm run bench [name…]`: runs each bench/<name>.bench.ts in its own process (so one benchmark's memory
// does not skew the next) and writes what it prints, a Markdown section, into bench/RESULTS.md between
// <!-- bench:name --> markers. Benchmarks report ratios against a baseline run in the same process.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

const resultsPath = join(dir, 'RESULTS.md');
let results = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs again.\n';
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

let failed = 0;
for (const name of names) {
  console.log(`\n=== bench: ${name}`);
  let body: string;
  try {
    body = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, `${name}.bench.ts`)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    failed++;
    console.error(`bench ${name} failed: ${(err as Error).message}`);
    continue;
  }
  console.log(body);
  const section = `<!-- bench:${name} -->\n## ${name}\n\n_${new Date().toISOString().slice(0, 10)} · ${machine}_\n\n${body.trim()}\n<!-- /bench:${name} -->`;
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  results = re.test(results) ? results.replace(re, section) : `${results.trimEnd()}\n\n${section}\n`;
  writeFileSync(resultsPath, results);
}
process.exit(failed ? 1 : 0);
