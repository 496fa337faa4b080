// An API docs page that works offline: the OpenAPI document rendered as plain HTML on the server
// (Swagger UI and friends load their assets from a CDN, which the offices' networks may not reach).
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

type Operation = {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
};
type Doc = { info?: { title?: string; version?: string }; paths?: Record<string, Record<string, Operation>> };

function schemaText(schema: unknown): string {
  return schema ? JSON.stringify(schema, null, 1).slice(0, 4000) : '';
}

export function renderDocs(doc: Doc, specUrl: string): string {
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? '，必填' : ''})</li>`).join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([code, r]) => `<li><b>${esc(code)}</b> ${esc(r.description)}</li>`)
        .join('');
      sections.push(`<section><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>/api/v1${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>${params ? `<h4>参数</h4><ul>${params}</ul>` : ''}${body ? `<h4>请求体</h4><details><summary>JSON schema</summary><pre>${esc(schemaText(body))}</pre></details>` : ''}<h4>响应</h4><ul>${responses}</ul></section>`);
    }
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(doc.info?.title)} API</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}section{border-top:1px solid #ddd;padding:.5em 0}
.m{display:inline-block;min-width:4em;font-size:.8em;padding:2px 6px;border-radius:3px;color:#fff;background:#555}.get{background:#2b7}.post{background:#27b}.put{background:#b82}.delete{background:#c33}pre{background:#f6f6f6;padding:.5em;overflow:auto}</style></head>
<body><h1>${esc(doc.info?.title)} <small>${esc(doc.info?.version)}</small></h1>
<p>所有接口位于 <code>/api/v1</code>，使用 <code>Authorization: Bearer &lt;令牌&gt;</code>。错误为 <code>application/problem+json</code>：{status, code, detail, errors?}。机器可读规范：<a href="${esc(specUrl)}">${esc(specUrl)}</a></p>
${sections.join('\n')}</body></html>`;
}
