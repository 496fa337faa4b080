// package.json's engines promise (issue 8: `npm install` on Node 20 warned EBADENGINE): every installed
// package accepts the lowest Node of each line we name, so no supported Node gets that warning.
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// semver comes with npm's own tool chain (no types installed): satisfies() is all this test needs.
const semver = require('semver') as { satisfies(version: string, range: string): boolean };

const root = join(import.meta.dirname, '../..');
const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node as string;
/** The lowest version of each line in our range: "^20.19.0 || >=24" → 20.19.0, 24.0.0. */
const floors = ours.split('||').map((part) =>
  /(\d+)(?:\.(\d+))?(?:\.(\d+))?/
    .exec(part)!
    .slice(1, 4)
    .map((x) => x ?? '0')
    .join('.'),
);

function* packages(dir: string): Generator<{ name: string; version: string; node?: string }> {
  for (const n of readdirSync(dir)) {
    if (n.startsWith('.')) continue;
    const p = join(dir, n);
    if (n.startsWith('@')) {
      yield* packages(p);
      continue;
    }
    const pj = join(p, 'package.json');
    if (existsSync(pj)) {
      const j = JSON.parse(readFileSync(pj, 'utf8'));
      yield { name: j.name, version: j.version, node: j.engines?.node };
    }
    if (existsSync(join(p, 'node_modules'))) yield* packages(join(p, 'node_modules'));
  }
}

describe('engines', () => {
  it('every installed package supports the lowest Node of each line package.json names', () => {
    expect(floors).toEqual(['20.19.0', '22.13.0', '24.0.0']);
    const refused = [...packages(join(root, 'node_modules'))].flatMap((p) =>
      typeof p.node === 'string' ? floors.filter((v) => !semver.satisfies(v, p.node!)).map((v) => `${p.name}@${p.version} (${p.node}) refuses Node ${v}`) : [],
    );
    expect(refused).toEqual([]);
  });
});
