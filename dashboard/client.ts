// The dashboard's connection: the one typed client (model/api-client.ts) on the server and token kept in
// localStorage (the same keys as the add-in), and file downloads that need the bearer token.
import { ApiClient, ApiError, NetworkError } from '../model/api-client';

export const KEYS = { server: 'qingdan.url', token: 'qingdan.token', plan: 'qingdan.dashboard.plan', period: 'qingdan.dashboard.period' };

export const store = {
  get: (k: string) => localStorage.getItem(k) ?? '',
  set: (k: string, v: string) => (v ? localStorage.setItem(k, v) : localStorage.removeItem(k)),
};

export function serverBase(): string {
  const saved = store.get(KEYS.server).replace(/\/+$/, '');
  return saved || (location.protocol.startsWith('http') ? location.origin : '');
}

export function client(): ApiClient {
  const base = serverBase();
  if (!base) throw new ApiError(0, 'NO_SERVER', '请先在“连接设置”中填写服务地址');
  return new ApiClient(base, store.get(KEYS.token), (url, init) => fetch(url, init as RequestInit));
}

/** A file (通报, workbook) as the server sends it; problems answer as the client's errors do. */
export async function fetchFile(path: string): Promise<Response> {
  const base = serverBase();
  if (!base) throw new ApiError(0, 'NO_SERVER', '请先在“连接设置”中填写服务地址');
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${store.get(KEYS.token)}` } });
  } catch (err) {
    throw new NetworkError(err);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    throw new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.detail ?? `请求失败（HTTP ${res.status}）`, body?.errors ?? []);
  }
  return res;
}
