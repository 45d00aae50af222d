import { advisorToken } from './advisor-graphql.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './test-app.js';

/**
 * Issue 6 item 9: the advisor API's authorization matrix (test/advisor-authorization/, one spec per GraphQL
 * operation). Two centers, each with three advisors and a director (plus the director's own caseload), their
 * students, interactions, follow-ups, gaps and reminders, all seeded through REST. Every viewer (each advisor
 * JWT, the director's JWT as director and as advisor, the center API key) goes over every query, nested field,
 * filter and mutation. What each viewer must see is computed from the seed (advisor → own caseload; director
 * and API key → own center; nobody → the other center; advisor-authorization-oracle.ts), the gap facts come
 * from the portal's REST view, and every deviation is counted as a violation.
 */

/** The injected clock: fixed, so urgencies are known. */
export const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) };
export const NOW = clock.current.getTime();
export const HOUR = 3600_000;
export const iso = (ms: number) => new Date(ms).toISOString();

/** Response data is read by path, as in the other e2e tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type CenterKey = 'A' | 'B';
export type Kind = 'INTERVIEW' | 'INFO_SESSION' | 'CAREER_FAIR' | 'NETWORKING' | 'OTHER';
export const KINDS: Kind[] = ['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'];

interface Template {
  kind: Kind;
  endedHoursAgo: number;
  /** A thank-you follow-up this many hours after the end. */
  thankedAfterHours?: number;
}
const T = {
  dueInterview: { kind: 'INTERVIEW', endedHoursAgo: 3 },
  lateInterview: { kind: 'INTERVIEW', endedHoursAgo: 30 },
  oldInterview: { kind: 'INTERVIEW', endedHoursAgo: 240 }, // thank-you OVERDUE and an open CHECK_IN
  lateInfo: { kind: 'INFO_SESSION', endedHoursAgo: 30 },
  dueFair: { kind: 'CAREER_FAIR', endedHoursAgo: 20 },
  overdueFair: { kind: 'CAREER_FAIR', endedHoursAgo: 100 },
  overdueNet: { kind: 'NETWORKING', endedHoursAgo: 80 },
  other: { kind: 'OTHER', endedHoursAgo: 5 }, // no gap
  thankedIn10h: { kind: 'INTERVIEW', endedHoursAgo: 50, thankedAfterHours: 10 },
  thankedIn30h: { kind: 'INFO_SESSION', endedHoursAgo: 60, thankedAfterHours: 30 },
} satisfies Record<string, Template>;

export interface InteractionSeed {
  externalId: string;
  kind: Kind;
  occurredAt: string;
  endedAt: string;
  companyExternalId: string;
  contactExternalIds: string[];
  followUp: { externalId: string; sentAt: string } | null;
}
export interface StudentSeed {
  center: CenterKey;
  externalId: string;
  name: string;
  email: string;
  advisor: string;
  graduationYear: number;
  erased: boolean;
  interactions: InteractionSeed[];
}
export interface CompanySeed {
  externalId: string;
  name: string;
  contacts: { externalId: string; name: string; title: string }[];
}
export interface RestGap {
  id: string;
  purpose: string;
  state: string;
  urgency: string | null;
  overdueAt: string;
  nextReminderAt: string | null;
  interaction: { externalId: string; kind: Kind };
}
export interface RestReminder {
  id: string;
  studentExternalId: string | null;
  status: string;
  scheduledAt: string;
  why: { items: { gapId: string }[] };
}
export interface CenterSeed {
  key: CenterKey;
  center: TestCenter;
  advisors: { externalId: string; name: string }[];
  students: StudentSeed[];
  companies: CompanySeed[];
  apiKeyIds: string[];
  /** REST truth after seeding, by student externalId (non-erased students). */
  gaps: Map<string, RestGap[]>;
  reminders: Map<string, RestReminder[]>;
  /** Gaps of the erased student, captured before erasure: nobody may act on them. */
  erasedGapIds: string[];
}

/** Students of a center: [externalId, advisor suffix, graduation year, interactions]. */
function studentPlan(key: CenterKey): [string, string, number, Template[], boolean?][] {
  const p = key;
  return [
    [`${p}-s-11`, 'adv-1', 2027, [T.dueInterview, T.thankedIn10h]],
    [`${p}-s-12`, 'adv-1', 2028, key === 'A' ? [T.overdueFair] : [T.overdueFair, T.dueInterview]],
    [`${p}-s-13`, 'adv-1', 2027, [T.thankedIn30h, T.other]], // nothing open
    [`${p}-s-21`, 'adv-2', 2027, [T.lateInfo, T.overdueNet]],
    [`${p}-s-22`, 'adv-2', 2026, key === 'A' ? [T.oldInterview] : [T.oldInterview, T.other]],
    [`${p}-s-23`, 'adv-2', 2028, [T.thankedIn10h]], // nothing open
    [`${p}-s-31`, 'adv-3', 2027, [T.lateInterview, T.dueFair]],
    [`${p}-s-32`, 'adv-3', 2028, [T.dueInterview, T.overdueNet]],
    ...(key === 'B'
      ? [[`B-s-33`, 'adv-3', 2026, [T.overdueFair, T.lateInfo]] as [string, string, number, Template[]]]
      : []),
    [`${p}-s-d1`, 'dir', 2027, [T.overdueFair]], // the director's own caseload
    // The same externalIds in both centers (student, its interactions, a company and a contact).
    [
      'shared-stu',
      key === 'A' ? 'adv-2' : 'adv-1',
      2027,
      key === 'A' ? [T.lateInfo] : [T.dueInterview, T.thankedIn30h],
    ],
    [`${p}-s-erased`, 'adv-1', 2027, [T.overdueNet], true],
  ];
}

function buildCenterPlan(
  key: CenterKey,
): Omit<CenterSeed, 'center' | 'apiKeyIds' | 'gaps' | 'reminders' | 'erasedGapIds'> {
  const advisors = ['adv-1', 'adv-2', 'adv-3', 'dir'].map((suffix, index) => ({
    externalId: `${key}-${suffix}`,
    name: `${key === 'A' ? '佐藤' : '鈴木'} ${['花子', '次郎', '三郎', '所長'][index]} (${key})`,
  }));
  const companies: CompanySeed[] = [
    {
      externalId: `${key}-cmp-1`,
      name: `株式会社サンプル商事 ${key}`,
      contacts: [{ externalId: `${key}-ct-1`, name: `山田 一郎 ${key}`, title: '人事部 課長' }],
    },
    {
      externalId: `${key}-cmp-2`,
      name: `テスト電機株式会社 ${key}`,
      contacts: [
        { externalId: `${key}-ct-2`, name: `田中 二郎 ${key}`, title: '採用担当' },
        { externalId: `${key}-ct-3`, name: `高橋 三子 ${key}`, title: '技術部 部長' },
      ],
    },
    {
      externalId: 'shared-cmp',
      name: `共有工業株式会社 (${key})`,
      contacts: [{ externalId: 'shared-ct', name: `共有 太郎 (${key})`, title: '人事' }],
    },
  ];
  let n = 0;
  const students = studentPlan(key).map(([externalId, advisorSuffix, graduationYear, templates, erased]) => ({
    center: key,
    externalId,
    name: `学生 ${externalId} (${key})`,
    email: `${externalId.toLowerCase()}@${key.toLowerCase()}.example.ac.jp`,
    advisor: `${key}-${advisorSuffix}`,
    graduationYear,
    erased: erased === true,
    interactions: templates.map((tpl, i): InteractionSeed => {
      const company = companies[n++ % companies.length];
      const end = NOW - tpl.endedHoursAgo * HOUR;
      const interactionId = `${externalId}-i${i + 1}`;
      return {
        externalId: interactionId,
        kind: tpl.kind,
        occurredAt: iso(end - HOUR),
        endedAt: iso(end),
        companyExternalId: company.externalId,
        contactExternalIds: company.contacts.map((c) => c.externalId),
        followUp:
          tpl.thankedAfterHours === undefined
            ? null
            : { externalId: `${interactionId}-fu`, sentAt: iso(end + tpl.thankedAfterHours * HOUR) },
      };
    }),
  }));
  return { key, advisors, companies, students };
}

// ---------------------------------------------------------------------------------------------------------
// Viewers

export interface Viewer {
  label: string;
  center: CenterKey;
  token: string;
  role: 'advisor' | 'director';
  /** The advisor externalId whose caseload bounds the viewer; null for directors and the API key. */
  caseload: string | null;
  /** The audit actor the API records for this viewer. */
  actor: string;
}

// ---------------------------------------------------------------------------------------------------------
// The seeded world

/** The app, both centers as seeded (with their REST truth) and the 12 viewers, for one spec file. */
export interface AuthorizationWorld {
  t: TestApp;
  centers: Record<CenterKey, CenterSeed>;
  viewers: Viewer[];
  /** REST calls as the center's API key. */
  rest(c: CenterSeed): ReturnType<typeof restClient>;
  restGaps(c: CenterSeed, studentExternalId: string): Promise<RestGap[]>;
  restList<T>(c: CenterSeed, path: string): Promise<T[]>;
  /** Reloads the center's gaps and reminders from REST (after a mutation changed them). */
  loadTruth(c: CenterSeed): Promise<void>;
  close(): Promise<void>;
}

const restClient = (t: TestApp, c: CenterSeed) => ({
  get: (path: string) => t.http.get(path).set(c.center.auth),
  put: (path: string, body: object) => t.http.put(path).set(c.center.auth).send(body),
  bulk: async (collection: string, items: object[]) => {
    const response = await t.http
      .post(`/v1/${collection}/bulk`)
      .set(c.center.auth)
      .send({ items })
      .expect(200);
    const failed = (response.body.results as { status: string }[]).filter((r) => r.status === 'error');
    expect(failed).toEqual([]);
  },
});

/**
 * Starts an app of its own (fixed clock, isolated database) and seeds both centers through REST: advisors,
 * students, companies and contacts, interactions, follow-ups, the erased student; then reads back the REST
 * truth and issues the viewers' tokens. Call it in beforeAll (and close the world in afterAll).
 */
export async function seedAuthorizationWorld(): Promise<AuthorizationWorld> {
  const t = await startTestApp({
    clock,
    role: 'api',
    isolated: true,
    env: { GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000' },
  });
  const centers = {} as Record<CenterKey, CenterSeed>;
  const viewers: Viewer[] = [];

  const rest = (c: CenterSeed) => restClient(t, c);

  async function restGaps(c: CenterSeed, studentExternalId: string): Promise<RestGap[]> {
    const response = await rest(c).get(`/v1/students/${studentExternalId}/gaps`).expect(200);
    return response.body.items as RestGap[];
  }

  async function restList<T>(c: CenterSeed, path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const response = await rest(c)
        .get(path)
        .query({ limit: 500, ...(cursor ? { cursor } : {}) })
        .expect(200);
      items.push(...(response.body.items as T[]));
      cursor = response.body.nextCursor as string | null;
    } while (cursor);
    return items;
  }

  async function loadTruth(c: CenterSeed): Promise<void> {
    c.gaps = new Map();
    for (const s of c.students.filter((s) => !s.erased))
      c.gaps.set(s.externalId, await restGaps(c, s.externalId));
    c.reminders = new Map();
    for (const r of await restList<RestReminder>(c, '/v1/reminders')) {
      if (r.studentExternalId === null) continue; // the erased student's
      c.reminders.set(r.studentExternalId, [...(c.reminders.get(r.studentExternalId) ?? []), r]);
    }
  }

  try {
    for (const key of ['A', 'B'] as const) {
      const center = await createCenter(t, `${key}大学 キャリアセンター`);
      const plan = buildCenterPlan(key);
      const c: CenterSeed = {
        ...plan,
        center,
        apiKeyIds: [],
        gaps: new Map(),
        reminders: new Map(),
        erasedGapIds: [],
      };
      centers[key] = c;
      const r = rest(c);
      await r.bulk(
        'advisors',
        c.advisors.map((a) => ({
          ...a,
          email: `${a.externalId.toLowerCase()}@career.example.ac.jp`,
          timezone: 'Asia/Tokyo',
        })),
      );
      await r.bulk(
        'students',
        c.students.map((s) => ({
          externalId: s.externalId,
          name: s.name,
          email: s.email,
          locale: 'ja',
          timezone: 'Asia/Tokyo',
          advisorExternalId: s.advisor,
          graduationYear: s.graduationYear,
        })),
      );
      await r.bulk(
        'companies',
        c.companies.map((co) => ({ externalId: co.externalId, name: co.name, industry: '製造' })),
      );
      for (const co of c.companies)
        for (const ct of co.contacts)
          await r
            .put(`/v1/companies/${co.externalId}/contacts/${ct.externalId}`, {
              name: ct.name,
              title: ct.title,
            })
            .expect(201);
      const interactions = c.students.flatMap((s) => s.interactions.map((i) => ({ s, i })));
      await r.bulk(
        'interactions',
        interactions.map(({ s, i }) => ({
          externalId: i.externalId,
          studentExternalId: s.externalId,
          companyExternalId: i.companyExternalId,
          kind: i.kind,
          occurredAt: i.occurredAt,
          endedAt: i.endedAt,
          contactExternalIds: i.contactExternalIds,
          notes: `${s.externalId} と ${i.companyExternalId} の話`,
        })),
      );
      await r.bulk(
        'follow-ups',
        interactions
          .filter(({ i }) => i.followUp)
          .map(({ i }) => ({
            externalId: i.followUp!.externalId,
            interactionExternalId: i.externalId,
            channel: 'EMAIL',
            sentAt: i.followUp!.sentAt,
          })),
      );
      for (const s of c.students.filter((s) => s.erased)) {
        c.erasedGapIds.push(...(await restGaps(c, s.externalId)).map((g) => g.id));
        await t.http.delete(`/v1/students/${s.externalId}`).set(c.center.auth).expect(204);
      }
      c.apiKeyIds = ((await r.get('/v1/api-keys').expect(200)).body.items as { id: string }[]).map(
        (k) => k.id,
      );
      await loadTruth(c);

      const jwt = (sub: string, role: 'advisor' | 'director') =>
        advisorToken(t, { sub, center: center.id, role });
      for (const a of c.advisors.filter((a) => !a.externalId.endsWith('-dir')))
        viewers.push({
          label: `${key}:${a.externalId}(advisor)`,
          center: key,
          token: await jwt(a.externalId, 'advisor'),
          role: 'advisor',
          caseload: a.externalId,
          actor: `advisor:${a.externalId}`,
        });
      viewers.push(
        {
          label: `${key}:${key}-dir(director)`,
          center: key,
          token: await jwt(`${key}-dir`, 'director'),
          role: 'director',
          caseload: null,
          actor: `advisor:${key}-dir`,
        },
        {
          label: `${key}:${key}-dir(advisor)`,
          center: key,
          token: await jwt(`${key}-dir`, 'advisor'),
          role: 'advisor',
          caseload: `${key}-dir`,
          actor: `advisor:${key}-dir`,
        },
        {
          label: `${key}:api-key`,
          center: key,
          token: center.apiKey,
          role: 'director',
          caseload: null,
          actor: `api-key:${c.apiKeyIds[0]}`,
        },
      );
    }
  } catch (error) {
    await t.close(); // afterAll gets no world to close
    throw error;
  }

  return { t, centers, viewers, rest, restGaps, restList, loadTruth, close: () => t.close() };
}
