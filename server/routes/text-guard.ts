// Refuses, before any route runs, a request whose path, query string or JSON body holds text that
// cannot be stored (NUL, lone surrogates: model/text-check.ts) — a 400 naming the field, without echoing
// the text. Without this the character reaches PostgreSQL and the request fails with a 500.
import type { MiddlewareHandler } from 'hono';
import { BAD_TEXT_MESSAGES, badTextKind, findBadText, mayHoldBadText, type BadText } from '../../model/text-check';
import { problem } from './problem';

function refuse(c: Parameters<MiddlewareHandler>[0], bad: BadText): Response {
  const message = `${bad.field} ${BAD_TEXT_MESSAGES[bad.kind]}`;
  return problem(c, 400, 'BAD_TEXT', `请求内容无法保存：${message}；未做任何修改`, [{ field: bad.field, code: 'BAD_TEXT', message }]);
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // malformed escapes are the router's business (404/400), not a storage hazard
  }
}

export function refuseBadText(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const pathKind = badTextKind(decoded(url.pathname));
    if (pathKind) return refuse(c, { field: 'path', kind: pathKind });
    for (const [key, value] of url.searchParams) {
      const keyKind = badTextKind(key);
      if (keyKind) return refuse(c, { field: 'query', kind: keyKind });
      const valueKind = badTextKind(value);
      if (valueKind) return refuse(c, { field: `query.${key}`, kind: valueKind });
    }
    if (/json/i.test(c.req.header('content-type') ?? '') && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      // c.req.text() is cached by Hono: the route's validator parses the same text afterwards.
      const text = await c.req.text();
      if (!mayHoldBadText(text)) return next();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return next(); // the route answers BAD_JSON
      }
      const bad = findBadText(body);
      if (bad) return refuse(c, bad);
    }
    return next();
  };
}
