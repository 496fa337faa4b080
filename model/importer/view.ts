// A "view" of the decoded text used for matching: same length as the original (so every offset found
// in the view is an offset in the original), traditional characters folded to simplified (opencc-js),
// full-width ASCII (０-９，（）％：) folded to ASCII. Quotes and printed numbers are always sliced
// from the original text, so the document is kept as written.
import * as OpenCC from 'opencc-js/t2cn';
import type { Script } from '../plan';

let t2s: ((s: string) => string) | undefined;
function toSimplified(s: string): string {
  t2s ??= OpenCC.Converter({ from: 't', to: 'cn' });
  return t2s(s);
}

const CJK = /[\u4e00-\u9fff]/g;
const SAMPLE = 20000;

/** Traditional when a noticeable share of the CJK characters change under t→s conversion. */
export function detectScript(text: string): Script {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE / 2) + text.slice(-SAMPLE / 2) : text;
  const cjk = sample.match(CJK)?.length ?? 0;
  if (cjk === 0) return 'simplified';
  const converted = toSimplified(sample);
  let changed = 0;
  if (converted.length === sample.length) {
    for (let i = 0; i < sample.length; i++) if (sample.charCodeAt(i) !== converted.charCodeAt(i)) changed++;
  } else {
    changed = Math.abs(converted.length - sample.length) + 1; // lengths differ: conversion did work
  }
  return changed >= 3 && changed / cjk >= 0.04 ? 'traditional' : 'simplified';
}

function foldWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/**
 * Character-by-character t→s: each distinct CJK character of the text is converted once by opencc and
 * mapped where it becomes one other character. Length-preserving by construction, and far cheaper than
 * converting megabytes of phrases; matching only needs the characters of units and keywords folded.
 */
function toSimplifiedChars(text: string): string {
  const seen = new Uint8Array(0x10000);
  const distinct: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3400 && !seen[c]) {
      seen[c] = 1;
      distinct.push(text[i]);
    }
  }
  if (!distinct.length) return text;
  // One call for all distinct characters, separated by newlines (opencc keeps them): c1\nc2\n…
  const converted = toSimplified(distinct.join('\n')).split('\n');
  const map = new Map<string, string>();
  if (converted.length === distinct.length) {
    distinct.forEach((c, i) => {
      if (converted[i].length === 1 && converted[i] !== c) map.set(c, converted[i]);
    });
  }
  if (!map.size) return text;
  const re = new RegExp(`[${[...map.keys()].join('')}]`, 'g');
  return text.replace(re, (c) => map.get(c)!);
}

/** Simplified, half-width text of exactly the same length as `text`. */
export function makeView(text: string, script: Script): string {
  return foldWidth(script === 'traditional' ? toSimplifiedChars(text) : text);
}
