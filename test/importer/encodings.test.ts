// Decoding is detected, not assumed: UTF-8 with/without BOM, UTF-16 with BOM, GB18030, and .docx
// (generated here with the docx package) parse to the same plan; bad bytes give an ImportError.
import { Document, Packer, Paragraph } from 'docx';
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importPlan, ImportError, parsePlanText } from '../../model/importer';
import { walkNodes, type Plan } from '../../model/plan';

const SEEDS = ['000_77af737a269cc6b4', '002_ac1de0dfc230e160', '003_f2a014f6b69704ec'];
const read = (id: string) => readFileSync(new URL(`../../seeds/${id}.txt`, import.meta.url), 'utf8');

/** What must not change with the encoding: ids, tree, titles, targets (spans may shift in .docx). */
function shape(plan: Plan) {
  return {
    id: plan.id,
    title: plan.title,
    year: plan.year,
    script: plan.script,
    nodes: [...walkNodes(plan.nodes)].map(({ node }) => ({
      id: node.id,
      kind: node.kind,
      number: node.number,
      title: node.title,
      targets: node.targets.map(({ id, metric, value, max, unit, comparator, kind, quote }) => ({ id, metric, value, max, unit, comparator, kind, quote })),
      deadlines: node.deadlines.map(({ text, date, monthlyDay }) => ({ text, date, monthlyDay })),
      units: node.units,
    })),
  };
}

async function docx(text: string): Promise<Uint8Array> {
  const doc = new Document({ sections: [{ children: text.split('\n').map((line) => new Paragraph(line)) }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

describe('importPlan encodings', () => {
  for (const id of SEEDS) {
    it(`${id}: GB18030, UTF-8 BOM, UTF-16 and .docx copies give the same plan`, async () => {
      const text = read(id);
      const reference = await importPlan(new TextEncoder().encode(text), `${id}.txt`);
      expect(shape(reference)).toEqual(shape(parsePlanText(text, 'x')));
      const gb = new Uint8Array(iconv.encode(text, 'gb18030'));
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gb)).toThrow(TypeError); // really not UTF-8 (the decoder's TypeError)
      const variants: [string, Uint8Array][] = [
        ['gb18030', gb],
        ['utf8-bom', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)])],
        ['utf16le-bom', new Uint8Array(iconv.encode(text, 'utf16le', { addBOM: true }))],
        ['utf16be-bom', new Uint8Array(iconv.encode(text, 'utf16be', { addBOM: true }))],
        ['docx', await docx(text)],
      ];
      for (const [name, bytes] of variants) {
        const plan = await importPlan(bytes, `${id}.${name}`);
        expect(plan.source).toBe(`${id}.${name}`);
        expect(shape(plan), name).toEqual(shape(reference));
      }
    });
  }

  it('UTF-16 without a BOM is recognised from where its zero bytes are (ASCII-heavy text)', async () => {
    const text = `2024年工作要点
1. Build 3 bridges (新建桥梁3座).
2. Repair roads（改造道路10公里）.`;
    for (const enc of ['utf16le', 'utf16be']) {
      const plan = await importPlan(new Uint8Array(iconv.encode(text, enc)), enc);
      expect(plan.nodes.map((n) => n.targets.map((t) => t.quote))).toEqual([['3座'], ['10公里']]);
    }
  });

  it('a GBK-encoded traditional document is detected as GB18030 and stays traditional', async () => {
    const text = read('002_ac1de0dfc230e160');
    const plan = await importPlan(new Uint8Array(iconv.encode(text, 'gbk')), 'gbk.txt');
    expect(plan.script).toBe('traditional');
    expect(plan.title).toBe('2024年工作計劃');
  });

  const rejects = async (bytes: Uint8Array, code: string) => {
    const err = await importPlan(bytes, 'bad').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe(code);
    expect((err as ImportError).message).toMatch(/[\u4e00-\u9fff]/);
  };

  it('rejects empty, whitespace-only, binary and structureless documents', async () => {
    await rejects(new Uint8Array(), 'EMPTY_DOCUMENT');
    await rejects(new TextEncoder().encode(' \n\u3000\n'), 'EMPTY_DOCUMENT');
    await rejects(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0x3e, 0, 1]), 'NOT_TEXT');
    await rejects(new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256).filter((b) => b !== 0)), 'NOT_TEXT');
    await rejects(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), 'NOT_TEXT'); // a broken zip
    await rejects(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'NOT_TEXT'); // old .doc
    await rejects(new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'NOT_TEXT');
    await rejects(new TextEncoder().encode('关于做好春节期间值班工作的通知\n各单位：请安排好值班人员，确保通讯畅通。'), 'NO_STRUCTURE');
  });
});
