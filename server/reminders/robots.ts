// Group-robot webhooks for 催报 (issue 10), with each vendor's documented text-message body:
//   企业微信 群机器人: POST {"msgtype":"text","text":{"content":…}} → {"errcode":0}
//   钉钉 自定义机器人: POST {"msgtype":"text","text":{"content":…}}; 加签: &timestamp=<ms>&sign=<urlencode(base64(
//     HmacSHA256(key=secret, "<timestamp>\n<secret>")))> → {"errcode":0}
//   飞书 自定义机器人: POST {"msg_type":"text","content":{"text":…}}; 签名校验: body adds "timestamp" (seconds) and
//     "sign" = base64(HmacSHA256(key="<timestamp>\n<secret>", message "")) → {"code":0}
import { createHmac } from 'node:crypto';

export const ROBOT_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;
export type RobotKind = (typeof ROBOT_KINDS)[number];

export interface RobotRequest {
  url: string;
  body: Record<string, unknown>;
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

export function robotRequest(kind: RobotKind, url: string, secret: string | null, text: string, now = new Date()): RobotRequest {
  if (kind === 'wecom') return { url, body: { msgtype: 'text', text: { content: text } } };
  if (kind === 'dingtalk') {
    if (!secret) return { url, body: { msgtype: 'text', text: { content: text } } };
    const ts = now.getTime();
    const signed = `${url}${url.includes('?') ? '&' : '?'}timestamp=${ts}&sign=${encodeURIComponent(dingtalkSign(secret, ts))}`;
    return { url: signed, body: { msgtype: 'text', text: { content: text } } };
  }
  const body: Record<string, unknown> = { msg_type: 'text', content: { text } };
  if (secret) {
    const ts = Math.floor(now.getTime() / 1000);
    Object.assign(body, { timestamp: String(ts), sign: feishuSign(secret, ts) });
  }
  return { url, body };
}

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** One POST; ok only on 2xx with the vendor's success code (errcode 0 / code 0) when the answer carries one. */
export async function deliver(req: RobotRequest, fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): Promise<DeliveryResult> {
  try {
    const res = await fetchImpl(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) return { ok: false, status: res.status, error: `HTTP ${res.status}: ${text.slice(0, 200)}` };
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* a 2xx without JSON counts as delivered */
    }
    const code = json?.errcode ?? json?.code ?? json?.StatusCode;
    if (code !== undefined && code !== 0)
      return { ok: false, status: res.status, error: `${String(json?.errmsg ?? json?.msg ?? '')} (code ${String(code)})`.slice(0, 300) };
    return { ok: true, status: res.status, error: null };
  } catch (err) {
    return { ok: false, status: null, error: ((err as Error).message || String(err)).slice(0, 300) };
  }
}
