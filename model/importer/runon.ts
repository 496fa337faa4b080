// Text that lost its layout, made readable line by line again — on the view only (same length as the
// document, so every offset still points into the text as written):
// - tables pasted with | pipes: the pipes become tabs, the cell separator of flattened tables;
// - text without line breaks (PDF extraction, document-preview sites): page furniture and site chrome
//   in the middle of it are blanked out, and a break is put where a heading starts (at the space before
//   一、 （一） 1、, after the title, after a short heading).
// Each change is a character-for-character substitution ('|' → '\t', ' ' → '\n', chrome → spaces).

/** Lines at least this long are read as text that lost its line breaks. */
export const RUN_ON_LINE = 300;

const PIPE_ROW = /^[ \t]*(?:\||序号|\d{1,3}[ \t]*\|)/;

// Chrome and furniture inside a run-on line. Word field codes left by a conversion (第 PAGE 2 页 共
// NUMPAGES 5 页), portal breadcrumbs, share and print buttons, preview-site toolbars, contact lines.
const INLINE_FURNITURE = new RegExp(
  [
    '第\\s*PAGE\\s*(?:\\\\\\*\\s*MERGEFORMAT\\s*)?\\d*\\s*页(?:\\s*[,/]?\\s*共\\s*(?:NUMPAGES\\s*)?\\d*\\s*页)?',
    '第\\s*\\d+\\s*页\\s*[,/]?\\s*共\\s*\\d+\\s*页',
    '(?:当前位置[:]?\\s*)?首页\\s*[>›»](?:\\s*[^\\s>›»]{1,12}\\s*[>›»])*\\s*[^\\s>›»]{1,12}',
    '分享到[:]?(?:\\s*(?:微信|微博|QQ空间|QQ|朋友圈))*',
    '【\\s*(?:打印|关闭|打印本页|关闭窗口|收藏|字体[^】]{0,12})\\s*】',
    '本文档由用户上传[^。]{0,20}?(?=\\s|$)',
    '(?:下载|收藏|举报|分享|打印)(?:\\s+(?:下载|收藏|举报|分享|打印))+',
    '联系人[:]\\s*[^\\s,;。]{1,8}',
    '(?:联系)?电话[:]\\s*[\\d*xX×\\-]{5,}',
  ].join('|'),
  'g',
);
const CN = '[一二三四五六七八九十]{1,3}';
// A heading label after a space: 一、 (一) 1、 1. 壹、 — in the view (half-width).
// After 。；： the label is cut by structure.ts; only the heading that follows it needs a break here.
const SPACED_LABEL = new RegExp(`(?:\\s+|(?<=[。;:]))(?=(?:${CN}、|\\(\\s*${CN}\\s*\\)|\\d{1,3}、|\\d{1,3}\\.(?!\\d)|[壹贰叁参肆伍陆柒捌玖拾]、))`, 'g');
// The plan's title at the start of a run-on text, ended by a space.
const TITLE_END = /(?:方案|要点|计划|规划|意见|清单|安排|计画)(?=\s+\S)/;
// A short heading (label + a few words) followed by a space: the space ends the heading.
const SHORT_HEADING = new RegExp(`^(?:${CN}、|\\(\\s*${CN}\\s*\\)|[壹贰叁参肆伍陆柒捌玖拾]、)[^\\s。,;:]{1,20}(?=\\s)`);

function blank(chars: string[], from: number, to: number): void {
  chars[from] = '\n';
  for (let i = from + 1; i < to; i++) if (chars[i] !== '\n') chars[i] = ' ';
}

// A run-on line holds several headings (一、 … 二、, （一） … （二）); a long paragraph does not.
const HEADING_ANYWHERE = new RegExp(`(?:^|[\\s。;:])(?:${CN}、|\\(\\s*${CN}\\s*\\)|[壹贰叁参肆伍陆柒捌玖拾]、)`, 'g');
function looksRunOn(line: string): boolean {
  HEADING_ANYWHERE.lastIndex = 0;
  let n = 0;
  while (HEADING_ANYWHERE.exec(line)) if (++n >= 2) return true;
  return false;
}

/** The line (UTF-16 units, as offsets count them) with its layout restored. */
function breakRunOn(line: string): string {
  const chars = line.split('');
  INLINE_FURNITURE.lastIndex = 0;
  for (let m = INLINE_FURNITURE.exec(line); m; m = INLINE_FURNITURE.exec(line)) {
    if (!m[0].length) {
      INLINE_FURNITURE.lastIndex++;
      continue;
    }
    blank(chars, m.index, m.index + m[0].length);
  }
  const v = chars.join('');
  const title = TITLE_END.exec(v.slice(0, 200));
  if (title) chars[title.index + title[0].length] = '\n';
  SPACED_LABEL.lastIndex = 0;
  for (let m = SPACED_LABEL.exec(v); m; m = SPACED_LABEL.exec(v)) {
    if (!m[0])
      SPACED_LABEL.lastIndex++; // after 。: nothing to replace
    else chars[m.index] = '\n';
    const heading = SHORT_HEADING.exec(v.slice(m.index + m[0].length, m.index + m[0].length + 40));
    if (heading) chars[m.index + m[0].length + heading[0].length] = '\n';
  }
  return chars.join('');
}

/** The view with pipes read as cell separators and run-on lines broken where their layout was. */
export function restoreLayout(view: string): string {
  const out: string[] = [];
  let done = 0; // view[0, done) is in out
  const re = /[^\n\r\u2028\u2029]+/g;
  for (let m = re.exec(view); m; m = re.exec(view)) {
    const line = m[0];
    let fixed: string | undefined;
    if (line.length >= 4 && line.includes('|') && PIPE_ROW.test(line) && line.split('|').length > 2) fixed = line.replace(/\|/g, '\t');
    else if (line.length >= RUN_ON_LINE && looksRunOn(line)) fixed = breakRunOn(line);
    if (fixed === undefined) continue;
    out.push(view.slice(done, m.index), fixed);
    done = m.index + line.length;
  }
  if (!out.length) return view;
  out.push(view.slice(done));
  return out.join('');
}
