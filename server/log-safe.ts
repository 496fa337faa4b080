// Log lines that cannot be forged or leak data: request text is escaped (a %0D%0A in a URL becomes
// "\r\n", not a new line), and a server error is logged by its type, SQLSTATE and stack frames only —
// a failed query's SQL text and parameters (drizzle puts both in the message) stay out of the log.

/** Control characters (CR, LF, NUL …) and Unicode line separators as visible escapes. */
export function logText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function frames(stack: string | undefined): string {
  return (stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .join('\n');
}

/** What the log says about an unexpected error. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return '非 Error 异常';
  const cause = err.cause as { code?: unknown; name?: string; routine?: unknown } | undefined;
  const sqlstate = (e: { code?: unknown } | undefined) => (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null);
  const state = sqlstate(cause) ?? sqlstate(err as { code?: unknown });
  const isDb = state !== null || err.constructor?.name === 'DrizzleQueryError' || /^Failed query:/.test(err.message);
  if (isDb) return `数据库错误 ${err.constructor?.name ?? 'Error'}${state ? ` SQLSTATE ${state}` : ''}（查询文本和参数不记录）\n${frames(err.stack)}`;
  return logText(`${err.name}: ${err.message}`) + '\n' + frames(err.stack);
}
