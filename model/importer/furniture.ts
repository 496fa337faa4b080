// Lines that are not plan content: page numbers, attachment lines, distribution notes, stray symbols.

const PAGE = [
  /^[-—–_~·•－\s]*\d{1,4}[-—–_~·•－\s]*$/, // "— 3 —", "- 12 -", "·2·", a bare page number
  /^第\s*\d+\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?$/, // 第 2 页 / 第2页，共5页
  /^共\s*\d+\s*页\s*[,/]?\s*第\s*\d+\s*页$/,
  /^\d+\s*\/\s*\d+$/, // 2/5
];

/** Page furniture and lines without any letter, digit or CJK character. */
export function isFurniture(line: string): boolean {
  const t = line.trim();
  if (!t) return false;
  if (PAGE.some((re) => re.test(t))) return true;
  if (!/[\p{L}\p{N}]/u.test(t)) return true; // "?", "***", "——"
  if (/^(?:抄送|印发|主送|\(此件|联系人|联系电话)/.test(t)) return true;
  // Text copied from a web page: 发布时间：… 来源：… 【字体：大 中 小】 打印本页 lines.
  if (/^(?:发布时间|发布日期|信息来源|来源|浏览次数|点击数|访问量)\s*[:：]|【\s*字体|打印本页|关闭窗口/.test(t)) return true;
  // Site chrome of government portals: the breadcrumb (当前位置：首页 > …) and the 信息公开 record line.
  if (/^(?:当前位置|您的位置|您现在的位置|索引号|发布机构|主题分类|成文日期|公开方式)\s*[:：]|^首页\s*[>›»]/.test(t)) return true;
  return false;
}

/** 附件 / 附件1：… lines: not tasks and not part of the previous task's text. */
export function isAttachment(line: string): boolean {
  return /^附\s*件\s*\d*\s*(?:[:：].*)?$/.test(line.trim()) || /^附\s*件\s*\d*\s*[:：]/.test(line.trim());
}

/** 文号 (X水发〔2023〕5号) and signature date lines (2023年3月1日). */
export function isDocMeta(line: string): boolean {
  const t = line.trim();
  return /[〔\[]\d{4}[〕\]]\s*\d+\s*号$/.test(t) || /^(?:19|20)\d\d年\d{1,2}月\d{1,2}日$/.test(t);
}
