// Tiny DOM helpers for the console: h() builds elements, msg() reports success or the server's error.
import { ApiError } from '../model/api-client';

type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'value') (el as HTMLInputElement).value = String(v);
    else if (k === 'checked') (el as HTMLInputElement).checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function msg(text: string, kind: 'info' | 'error' = 'info'): void {
  const el = document.getElementById('message')!;
  el.textContent = text;
  el.className = kind;
  el.hidden = false;
}

/** Runs an action and shows its error (the server's Chinese message, with the fields it names). */
export async function run<T>(f: () => Promise<T>, ok?: string): Promise<T | undefined> {
  try {
    const r = await f();
    if (ok) msg(ok);
    return r;
  } catch (err) {
    const e = err as ApiError;
    const fields = e instanceof ApiError && e.errors.length ? '：' + e.errors.map((x) => x.message).join('；') : '';
    msg(`${e.message}${fields && !e.message.includes(e.errors[0]?.message ?? '\u0000') ? fields : ''}`, 'error');
    return undefined;
  }
}

export const csv = (s: string) =>
  s
    .split(/[，,、;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
