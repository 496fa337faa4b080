// Stable ids: a pure-TS 53-bit hash (cyrb53) so the same text gives the same id in Node and in the
// browser (no node:crypto in model/). Re-importing an unchanged document yields the same ids.

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function short(text: string): string {
  return hash53(text).toString(36).padStart(11, '0');
}

/** Plan id from its title and year. */
export function planId(title: string, year: number | null): string {
  return 'p' + short(`${title}\u0000${year ?? ''}`);
}

/**
 * Node id from the plan id and the path of printed numbers from the root (e.g. ['二', '（一）', '3']);
 * `occurrence` tells apart two siblings printed with the same number.
 */
export function nodeId(planIdValue: string, numberPath: string[], occurrence = 0): string {
  return 'n' + short(`${planIdValue}\u0000${numberPath.join('\u0001')}\u0000${occurrence}`);
}

/** Target id from its node, its quote and the occurrence of that quote within the node. */
export function targetId(nodeIdValue: string, quote: string, occurrence = 0): string {
  return 't' + short(`${nodeIdValue}\u0000${quote}\u0000${occurrence}`);
}
