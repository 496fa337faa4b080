// QINGDAN_TLS_CERT/KEY: the server can speak https itself (for sideloading with office-addin-dev-certs).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { tlsServeOptions } from '../../server/tls';

const noOpenssl = !existsSync('/usr/bin/openssl');
if (noOpenssl) console.warn('SKIPPED https test: /usr/bin/openssl is missing');

describe('tlsServeOptions', () => {
  it('is empty without the variables and refuses half a configuration', () => {
    expect(tlsServeOptions({})).toEqual({});
    expect(() => tlsServeOptions({ QINGDAN_TLS_CERT: '/x.crt' })).toThrow('须同时设置');
    expect(() => tlsServeOptions({ QINGDAN_TLS_CERT: '/nope.crt', QINGDAN_TLS_KEY: '/nope.key' })).toThrow(/无法读取 QINGDAN_TLS_CERT/);
  });

  it.skipIf(noOpenssl)('serves https with a certificate and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qd-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')],
      { stdio: 'ignore' },
    );
    const opts = tlsServeOptions({ QINGDAN_TLS_CERT: join(dir, 'c.pem'), QINGDAN_TLS_KEY: join(dir, 'k.pem') });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: () => new Response('ok'), port: 0, hostname: '127.0.0.1', ...opts }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('ok');
    await new Promise((r) => server.close(r));
  });
});
