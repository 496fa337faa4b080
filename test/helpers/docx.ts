// A .docx's main part and its text (the runs joined), for asserting what a generated 通报 says.
import JSZip from 'jszip';

export async function docxXml(buf: ArrayBuffer | Uint8Array): Promise<{ xml: string; text: string }> {
  const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
  const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
  return { xml, text };
}
