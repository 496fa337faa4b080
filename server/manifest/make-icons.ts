// Draws the ribbon icons (16/32/80 px PNG) and the 64 px HighResolutionIconUrl: a checklist on a rounded square, anti-aliased by 4×4
// supersampling, written with node:zlib. Run: npx tsx server/manifest/make-icons.ts (writes assets/).
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

type RGBA = [number, number, number, number];
const BRAND: RGBA = [15, 108, 189, 255]; // Fluent brand blue
const WHITE: RGBA = [255, 255, 255, 255];
const GREEN: RGBA = [16, 124, 16, 255];

/** Colour at a point in the unit square (0..1), or null for transparent. */
function shade(x: number, y: number): RGBA | null {
  const r = 0.18; // corner radius of the background
  const cx = Math.min(Math.max(x, r), 1 - r),
    cy = Math.min(Math.max(y, r), 1 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  for (const row of [0.28, 0.5, 0.72]) {
    // a check box on the left, a bar on the right
    if (x > 0.16 && x < 0.34 && Math.abs(y - row) < 0.085) {
      const inner = x > 0.2 && x < 0.3 && Math.abs(y - row) < 0.045;
      return inner ? (row < 0.6 ? GREEN : BRAND) : WHITE;
    }
    if (x > 0.42 && x < 0.84 && Math.abs(y - row) < 0.05) return WHITE;
  }
  return BRAND;
}

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function drawIcon(size: number): Buffer {
  const ss = 4;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const c = shade((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          if (!c) continue;
          for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
          acc[3] += c[3];
        }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      const a = acc[3] / (ss * ss);
      for (let i = 0; i < 3; i++) raw[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
      raw[o + 3] = Math.round(a);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync('assets', { recursive: true });
  for (const size of [16, 32, 64, 80]) writeFileSync(`assets/icon-${size}.png`, drawIcon(size));
  console.log('assets/icon-16.png, icon-32.png, icon-64.png, icon-80.png');
}
