// `npm run bench [name…]`: runs each bench/<name>.bench.ts in its own process (so one benchmark's memory
// does not skew the next) and writes what it prints, a Markdown section, into bench/RESULTS.md between
// <!-- bench:name --> markers. Benchmarks report ratios against a baseline run in the same process.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeSection } from './results';

const dir = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

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
  writeSection(name, body);
}
process.exit(failed ? 1 : 0);
