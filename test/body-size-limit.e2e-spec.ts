import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { interactionBody, seedDirectory, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** The documented limit (README, docs/security.md): 5 MB, as body-parser reads `5mb`, in bytes. */
const LIMIT = 5 * 1024 * 1024;

/** `body` as JSON text, padded with trailing spaces (still the same JSON) to exactly `size` bytes. */
function jsonOfSize(body: unknown, size: number): Buffer {
  const text = JSON.stringify(body);
  const length = Buffer.byteLength(text, 'utf8');
  if (length > size) throw new Error(`the body is already ${length} bytes, more than ${size}`);
  return Buffer.from(text + ' '.repeat(size - length), 'utf8');
}

/** A bulk of `count` interactions of stu-1, ids `${prefix}-<n>`, whose notes fill it to at least `size` bytes. */
function interactionsBulk(prefix: string, count: number, size: number): { items: object[] } {
  const notes = 'n'.repeat(Math.min(10_000, Math.ceil(size / count)));
  return {
    items: Array.from({ length: count }, (_, n) => ({
      externalId: `${prefix}-${n}`,
      ...interactionBody({ notes }),
    })),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { status?: number; detail?: string; results?: { status: string }[] };
}

function expectTooLarge(response: Answer): void {
  expect(response.status).toBe(413);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status: 413,
    detail: 'The request body is too large (at most 5 MB).',
  });
}

describe('request bodies over 5 MB are 413 problem+json and store nothing', () => {
  let t: TestApp;
  let center: TestCenter;
  let db: DataSource;
  let origin: string;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    // Closed by t.close() (app.close() closes the HTTP server).
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(async () => {
    center = await createCenter(t);
    await seedDirectory(t, center);
  });
  afterAll(() => t?.close());

  const count = async (table: 'students' | 'interactions' | 'idempotency_keys') => {
    const column = table === 'idempotency_keys' ? 'scope' : 'center_id';
    const [row] = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM ${table} WHERE ${column}::text = $1`,
      [center.id],
    );
    return Number(row.n);
  };
  /**
   * A request of exactly these bytes, through fetch on a port of the app's own server (supertest would
   * serialize a Buffer as JSON, and cannot stream a body without a Content-Length).
   */
  const send = async (
    method: 'PUT' | 'POST',
    path: string,
    body: Buffer | ReadableStream<Uint8Array>,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { ...center.auth, 'Content-Type': 'application/json', ...headers },
      body,
      duplex: 'half',
    });
    return {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? '' },
      body: (await response.json()) as Answer['body'],
    };
  };

  it('a PUT of one byte over the limit is 413 and stores nothing; one of exactly the limit is stored', async () => {
    const students = await count('students');
    expectTooLarge(await send('PUT', '/v1/students/stu-big', jsonOfSize(studentBody(), LIMIT + 1)));
    await t.http.get('/v1/students/stu-big').set(center.auth).expect(404);
    expect(await count('students')).toBe(students);

    // Large by its content, not by padding: a name of 6 MB.
    const longName = Buffer.from(JSON.stringify({ ...studentBody(), name: 'x'.repeat(6_000_000) }));
    expectTooLarge(await send('PUT', '/v1/students/stu-big', longName));
    await t.http.get('/v1/students/stu-big').set(center.auth).expect(404);
    expect(await count('students')).toBe(students);

    // The limit is exactly 5 MB: the same body at exactly LIMIT bytes goes through.
    expect((await send('PUT', '/v1/students/stu-big', jsonOfSize(studentBody(), LIMIT))).status).toBe(201);
    expect(await count('students')).toBe(students + 1);
  }, 180_000);

  it('a bulk over the limit is 413, stores none of its items and leaves its Idempotency-Key unused', async () => {
    const interactions = await count('interactions');
    const bulk = (body: Buffer, key: string) =>
      send('POST', '/v1/interactions/bulk', body, { 'Idempotency-Key': key });
    const created = (answer: Answer) => answer.body.results?.filter((r) => r.status === 'created').length;

    // 1000 valid items (the bulk maximum), each within the notes limit, 6 MB together.
    const over = Buffer.from(JSON.stringify(interactionsBulk('int-big', 1000, 6_000_000)));
    expect(over.length).toBeGreaterThan(LIMIT);
    expectTooLarge(await bulk(over, 'bulk-too-large'));
    expect(await count('interactions')).toBe(interactions);
    expect(await count('idempotency_keys')).toBe(0);
    await t.http.get('/v1/interactions/int-big-0').set(center.auth).expect(404);
    await t.http.get('/v1/interactions/int-big-999').set(center.auth).expect(404);

    // The same key is free for the corrected, smaller retry (a stored claim would make it 422).
    const small = await bulk(
      Buffer.from(JSON.stringify(interactionsBulk('int-small', 2, 100))),
      'bulk-too-large',
    );
    expect(small.status).toBe(200);
    expect(created(small)).toBe(2);
    expect(await count('interactions')).toBe(interactions + 2);

    // One byte over the limit is refused; exactly the limit is taken, all 1000 items.
    const near = interactionsBulk('int-edge', 1000, LIMIT - 400_000);
    expectTooLarge(await bulk(jsonOfSize(near, LIMIT + 1), 'bulk-edge-over'));
    expect(await count('interactions')).toBe(interactions + 2);
    const atLimit = await bulk(jsonOfSize(near, LIMIT), 'bulk-edge');
    expect(atLimit.status).toBe(200);
    expect(created(atLimit)).toBe(1000);
    expect(await count('interactions')).toBe(interactions + 1002);
  }, 180_000);

  it('counts the bytes after decompression: a small gzip body that inflates past the limit is 413', async () => {
    const students = await count('students');
    const inflated = jsonOfSize({ items: [{ externalId: 'stu-zip', ...studentBody() }] }, LIMIT + 1);
    const zipped = gzipSync(inflated);
    expect(zipped.length).toBeLessThan(100_000);
    expectTooLarge(
      await send('POST', '/v1/students/bulk', zipped, {
        'Content-Encoding': 'gzip',
        'Idempotency-Key': 'zip',
      }),
    );
    await t.http.get('/v1/students/stu-zip').set(center.auth).expect(404);
    expect(await count('students')).toBe(students);
    expect(await count('idempotency_keys')).toBe(0);
    // The same body, compressed, within the limit is taken: the 413 is the size, not the encoding.
    const within = jsonOfSize({ items: [{ externalId: 'stu-zip', ...studentBody() }] }, LIMIT);
    const taken = await send('POST', '/v1/students/bulk', gzipSync(within), { 'Content-Encoding': 'gzip' });
    expect(taken.status).toBe(200);
    expect(await count('students')).toBe(students + 1);
  }, 180_000);

  it('refuses a chunked PUT that announces no length once it passes the limit, and takes one at the limit', async () => {
    /** The bytes as a stream of 64 KiB chunks: fetch sends it chunked, with no Content-Length. */
    const chunked = (body: Buffer) => {
      let offset = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= body.length) return controller.close();
          controller.enqueue(body.subarray(offset, (offset += 65_536)));
        },
      });
    };
    const students = await count('students');
    expectTooLarge(
      await send('PUT', '/v1/students/stu-chunked', chunked(jsonOfSize(studentBody(), LIMIT + 1))),
    );
    await t.http.get('/v1/students/stu-chunked').set(center.auth).expect(404);
    expect(await count('students')).toBe(students);
    const atLimit = await send('PUT', '/v1/students/stu-chunked', chunked(jsonOfSize(studentBody(), LIMIT)));
    expect(atLimit.status).toBe(201);
    expect(await count('students')).toBe(students + 1);
  }, 180_000);
});
