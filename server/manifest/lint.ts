// The project's own manifest lint: what the XSD does not check. The manifest is machine-generated and
// XSD-valid before this runs, so attribute-level regexes over it are enough (no DOM in Node).

export interface LintProblem {
  code: 'RESID_MISSING' | 'RESID_WRONG_KIND' | 'NOT_HTTPS' | 'DUPLICATE_ID' | 'STRING_TOO_LONG' | 'ICON_SIZES';
  message: string;
}

const LIMITS = { ShortStrings: 125, LongStrings: 250 } as const;

function section(xml: string, tag: string): string {
  const m = xml.match(new RegExp(`<bt:${tag}>([\\s\\S]*?)</bt:${tag}>`));
  return m ? m[1] : '';
}
function attrs(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** Which resource kind each resid-bearing element must point at. */
function expectedKind(element: string): keyof typeof KINDS | null {
  if (element === 'bt:Image') return 'Images';
  if (element === 'SourceLocation' || element === 'LearnMoreUrl' || element === 'FunctionFile') return 'Urls';
  if (element === 'Label' || element === 'Title') return 'ShortStrings';
  if (element === 'Description') return 'LongStrings';
  return null;
}
const KINDS = { Images: 'bt:Image', Urls: 'bt:Url', ShortStrings: 'bt:String', LongStrings: 'bt:String' } as const;

export function lintManifest(xml: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const resources = xml.slice(xml.indexOf('<Resources>'));
  const ids: Record<keyof typeof KINDS, Set<string>> = { Images: new Set(), Urls: new Set(), ShortStrings: new Set(), LongStrings: new Set() };

  // Resource ids: unique across all resource kinds (Office resolves resid without the kind).
  const seen = new Set<string>();
  for (const kind of Object.keys(KINDS) as (keyof typeof KINDS)[]) {
    for (const id of attrs(section(resources, kind), new RegExp(`<${KINDS[kind]} id="([^"]*)"`, 'g'))) {
      if (seen.has(id)) problems.push({ code: 'DUPLICATE_ID', message: `资源 id 重复：${id}` });
      seen.add(id);
      ids[kind].add(id);
    }
  }
  // Control / group / tab ids outside Resources must be unique too.
  const controlIds = attrs(xml.slice(0, xml.indexOf('<Resources>')), /<(?:Group|Control|CustomTab) [^>]*id="([^"]*)"/g);
  for (const [i, id] of controlIds.entries()) if (controlIds.indexOf(id) !== i) problems.push({ code: 'DUPLICATE_ID', message: `控件 id 重复：${id}` });

  // Every resid resolves, and to the right kind of resource.
  for (const m of xml.slice(0, xml.indexOf('<Resources>')).matchAll(/<([\w:]+)\b[^>]*\bresid="([^"]*)"/g)) {
    const [, element, resid] = m;
    if (!seen.has(resid)) {
      problems.push({ code: 'RESID_MISSING', message: `<${element} resid="${resid}"> 没有对应的资源` });
      continue;
    }
    const kind = expectedKind(element);
    if (kind && !ids[kind].has(resid)) problems.push({ code: 'RESID_WRONG_KIND', message: `<${element} resid="${resid}"> 应引用 ${kind}` });
  }

  // Every URL is https (namespace URIs are names, not fetched, and are exempt).
  const withoutNs = xml.replace(/\sxmlns(?::\w+)?="[^"]*"/g, '').replace(/<\?xml[^>]*\?>/, '');
  for (const url of withoutNs.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"<]+/gi) ?? []) {
    if (!url.toLowerCase().startsWith('https://')) problems.push({ code: 'NOT_HTTPS', message: `地址须为 https：${url}` });
  }

  // String lengths, default and every override.
  for (const kind of ['ShortStrings', 'LongStrings'] as const) {
    for (const value of attrs(section(resources, kind), /(?:DefaultValue|Value)="([^"]*)"/g)) {
      if ([...value].length > LIMITS[kind]) problems.push({ code: 'STRING_TOO_LONG', message: `${kind} 超过 ${LIMITS[kind]} 字：${value.slice(0, 30)}…` });
    }
  }
  for (const value of attrs(xml, /<DisplayName [^>]*?DefaultValue="([^"]*)"/g)) {
    if ([...value].length > 125) problems.push({ code: 'STRING_TOO_LONG', message: `DisplayName 超过 125 字` });
  }

  // Ribbon icons: 16, 32 and 80 px for every Icon element.
  for (const icon of xml.match(/<Icon>[\s\S]*?<\/Icon>/g) ?? []) {
    const sizes = attrs(icon, /size="(\d+)"/g)
      .sort()
      .join(',');
    if (sizes !== '16,32,80') problems.push({ code: 'ICON_SIZES', message: `图标须有 16/32/80 三种尺寸，现有 ${sizes}` });
  }
  return problems;
}
