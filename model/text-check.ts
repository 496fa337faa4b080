// Text that cannot be stored: PostgreSQL refuses NUL (U+0000) in text and JSON, and a lone UTF-16
// surrogate has no UTF-8 encoding. Such input is refused at the boundary (JSON bodies, query strings,
// path parameters, plan documents) with the field it is in — never stored, never echoed back.

const BAD = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type BadTextKind = 'NUL' | 'LONE_SURROGATE';

export function badTextKind(s: string): BadTextKind | null {
  const m = BAD.exec(s);
  if (!m) return null;
  return m[0] === '\u0000' ? 'NUL' : 'LONE_SURROGATE';
}

/**
 * Whether JSON text may hold such a string once parsed. JSON carries a NUL only as the escape \u0000 (a raw
 * control character is not valid JSON), and text decoded from UTF-8 holds no lone surrogate, so one can
 * only come from an escape \uD800–\uDFFF. Text without either escape holds neither, and need not be
 * parsed to be sure (a push's body was parsed twice for this: 5 % of the server's CPU in the rush).
 * True may be a false alarm (an escaped backslash before "u0000", a well-paired surrogate escape).
 */
export function mayHoldBadText(json: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])/.test(json);
}

export interface BadText {
  /** Dotted path of the offending key or value: "entries.499.values.progress". */
  field: string;
  kind: BadTextKind;
}

/** The first string (value or object key) in a JSON-like value that cannot be stored; iterative, so deep input cannot overflow the stack. */
export function findBadText(value: unknown, root = ''): BadText | null {
  const stack: [unknown, string][] = [[value, root]];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const kind = badTextKind(v);
      if (kind) return { field: path || '(body)', kind };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, String(i))]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i];
        const kind = badTextKind(k);
        // The key itself is not echoed: name its parent and position instead.
        if (kind) return { field: `${path || '(body)'}[键 ${i + 1}]`, kind };
        stack.push([child, join(path, k)]);
      }
    }
  }
  return null;
}

export const BAD_TEXT_MESSAGES: Record<BadTextKind, string> = {
  NUL: '含有空字符（U+0000），无法保存，请删除后重试',
  LONE_SURROGATE: '含有不完整的字符（不成对的 UTF-16 代理项），无法保存，请检查后重试',
};
