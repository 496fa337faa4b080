// XML text or attribute values as the characters they stand for: the five predefined entities, for the
// parts the upload reads by hand (sheet names, keywords, cell text, counted tags' attributes).

/** `&lt;` `&gt;` `&quot;` `&apos;` `&amp;` decoded (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
export const decodeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
