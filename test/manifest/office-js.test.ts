// scripts/build-addin.mjs QINGDAN_OFFICE_JS: local copy, Microsoft's CDN, or the 21Vianet CDN (China).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { officeJsFrom, OFFICE_JS } from '../../scripts/build-addin.mjs';
import { CONTENT_SECURITY_POLICY } from '../../server/app';

describe('QINGDAN_OFFICE_JS', () => {
  it('names the local copy, the global CDN and the 21Vianet CDN; takes an https URL; refuses anything else', () => {
    expect(officeJsFrom(undefined)).toBe('../office-js/office.js');
    expect(officeJsFrom('cdn')).toBe('https://appsforoffice.microsoft.com/lib/1/hosted/office.js');
    expect(officeJsFrom('21vianet')).toBe('https://appsforoffice.cdn.partner.office365.cn/appsforoffice/lib/1/hosted/office.js');
    expect(officeJsFrom('china')).toBe(officeJsFrom('21Vianet'));
    expect(officeJsFrom('https://intranet.example.cn/office/office.js')).toBe('https://intranet.example.cn/office/office.js');
    expect(() => officeJsFrom('http://insecure/office.js')).toThrow(/QINGDAN_OFFICE_JS/);
  });

  it("the page may load each CDN under the server's content security policy", () => {
    for (const url of [OFFICE_JS.cdn, OFFICE_JS['21vianet']]) expect(CONTENT_SECURITY_POLICY.scriptSrc).toContain(new URL(url).origin);
  });
});
