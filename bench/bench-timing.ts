import * as http from 'node:http';
import { Progress } from './progress.js';

/** Helpers of bench:advisors: percentiles, alternated timing, one kept-alive HTTP connection. */
export interface Timing {
  p50Ms: number;
  p95Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
export const round1 = (n: number) => Math.round(n * 10) / 10;
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const timing = (values: number[]): Timing => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: round1(percentile(sorted, 50)), p95Ms: round1(percentile(sorted, 95)) };
};

/** Times two requests alternately, one at a time: on a shared machine both see the same background load. */
export async function alternate(
  label: string,
  iterations: number,
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
): Promise<[Timing, Timing]> {
  const progress = new Progress(label, iterations);
  const firstMs: number[] = [];
  const secondMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    let started = performance.now();
    await first();
    firstMs.push(performance.now() - started);
    started = performance.now();
    await second();
    secondMs.push(performance.now() - started);
    progress.update(i + 1);
  }
  return [timing(firstMs), timing(secondMs)];
}

/**
 * POSTs on one kept-alive `node:http` connection, as the SQL side has one pg connection: fetch's own overhead
 * (about 1 ms a request here) would be measured as the service's.
 */
export function httpPoster() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (url: string, token: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/** A GraphQL answer's data, or an error naming what came back instead. */
export async function graphqlData<T>(
  post: ReturnType<typeof httpPoster>['post'],
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await post(url, token, JSON.stringify({ query, variables }));
  const body = JSON.parse(response.text) as { data?: T; errors?: unknown[] };
  if (response.status !== 200 || body.errors || !body.data)
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}
