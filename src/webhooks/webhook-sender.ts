import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:http';

export interface SendResult {
  statusCode: number | null;
  retryAfterSeconds: number | null;
  error: string | null;
  latencyMs: number;
}

/** Names the sender in receivers' logs and firewalls; the major version of the webhook contract follows the slash. */
export const WEBHOOK_USER_AGENT = 'career-followup-service-webhooks/1';

/** The longest one request can take, exported so a claim can be checked to outlast a send. */
export const TIMEOUT_MS = 15_000;

/**
 * One POST, no redirects followed (a 3xx is just a failure), 15 s for the whole exchange. The agent decides
 * which addresses may be reached (the SSRF guard checks the resolved address at connect time).
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  agent: Agent,
): Promise<SendResult> {
  const started = performance.now();
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const done = (result: Omit<SendResult, 'latencyMs'>) =>
      resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
    const req = send(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': WEBHOOK_USER_AGENT,
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume(); // the body is not needed; drain it so the socket can be reused
        res.on('end', () =>
          done({
            statusCode: res.statusCode ?? null,
            retryAfterSeconds: retryAfter(res.headers['retry-after']),
            error: null,
          }),
        );
        res.on('error', (error) =>
          done({ statusCode: res.statusCode ?? null, retryAfterSeconds: null, error: error.message }),
        );
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) => done({ statusCode: null, retryAfterSeconds: null, error: error.message }));
    req.end(body);
  });
}

function retryAfter(value: string | undefined): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}
