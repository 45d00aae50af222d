import { SignJWT, UnsecuredJWT } from 'jose';
import { advisorToken, graphql, type GraphqlResponse } from './helpers/advisor-graphql.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';
import { MAX_ALIASES, MAX_COST } from '../src/advisors-api/graphql-hardening.js';

/**
 * Issue 6 item 9: the advisor API's authorization matrix. Two centers, each with three advisors and a director
 * (plus the director's own caseload), their students, interactions, follow-ups, gaps and reminders, all seeded
 * through REST. Every viewer (each advisor JWT, the director's JWT as director and as advisor, the center API
 * key) goes over every query, nested field, filter and mutation. What each viewer must see is computed from
 * the seed (advisor → own caseload; director and API key → own center; nobody → the other center), the gap
 * facts come from the portal's REST view, and every deviation is counted as a violation.
 */

/** The injected clock: fixed, so urgencies are known. */
const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) };
const NOW = clock.current.getTime();
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Response data is read by path, as in the other e2e tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

type CenterKey = 'A' | 'B';
type Kind = 'INTERVIEW' | 'INFO_SESSION' | 'CAREER_FAIR' | 'NETWORKING' | 'OTHER';
const KINDS: Kind[] = ['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'];

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

interface InteractionSeed {
  externalId: string;
  kind: Kind;
  occurredAt: string;
  endedAt: string;
  companyExternalId: string;
  contactExternalIds: string[];
  followUp: { externalId: string; sentAt: string } | null;
}
interface StudentSeed {
  center: CenterKey;
  externalId: string;
  name: string;
  email: string;
  advisor: string;
  graduationYear: number;
  erased: boolean;
  interactions: InteractionSeed[];
}
interface CompanySeed {
  externalId: string;
  name: string;
  contacts: { externalId: string; name: string; title: string }[];
}
interface RestGap {
  id: string;
  purpose: string;
  state: string;
  urgency: string | null;
  overdueAt: string;
  nextReminderAt: string | null;
  interaction: { externalId: string; kind: Kind };
}
interface RestReminder {
  id: string;
  studentExternalId: string | null;
  status: string;
  scheduledAt: string;
  why: { items: { gapId: string }[] };
}
interface CenterSeed {
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
// Viewers and what they may see

interface Viewer {
  label: string;
  center: CenterKey;
  token: string;
  role: 'advisor' | 'director';
  /** The advisor externalId whose caseload bounds the viewer; null for directors and the API key. */
  caseload: string | null;
  /** The audit actor the API records for this viewer. */
  actor: string;
}

/** Counts every check; collects every violation with enough detail to find it. */
class Tally {
  checks = 0;
  readonly violations: string[] = [];
  check(ok: boolean, what: () => string): boolean {
    this.checks++;
    if (!ok) this.violations.push(what());
    return ok;
  }
  /** 0 violations, shown with the first 40 of them otherwise. */
  expectClean(): void {
    expect({ violations: this.violations.length, first40: this.violations.slice(0, 40) }).toEqual({
      violations: 0,
      first40: [],
    });
  }
}

const sameSet = (a: Iterable<string>, b: Iterable<string>) => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const show = (values: Iterable<string>) => `[${[...values].sort().join(', ')}]`;
const close = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) < 1e-9;

/** percentile_cont(0.5), as PostgreSQL computes it. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = 0.5 * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// ---------------------------------------------------------------------------------------------------------
// GraphQL documents

/**
 * Aliased fields per request, within the API's alias and cost limits: the cost of one aliased field of each
 * document below (measured: nested lists at their default `first`, pages of at most 2, perAdvisor at 100),
 * and of one audit row.
 */
const COST = { missing: 360, student: 5811, stats: 2522, auditRow: 7 };
const fit = (cost: number) => Math.max(1, Math.min(MAX_ALIASES, Math.floor((MAX_COST * 0.95) / cost)));
const BATCH = {
  missing: fit(COST.missing),
  student: fit(COST.student),
  stats: fit(COST.stats),
  /** Per-student audit checks read the first few rows of each student; the full walk reads all rows. */
  audit: fit(5 * COST.auditRow),
  auditPage: Math.min(100, Math.floor((MAX_COST * 0.95) / COST.auditRow)),
};

/** `count` aliased copies of `field(args)`, each with its own variables `${v}${i}`. */
function batched(
  operation: string,
  vars: Record<string, string>,
  field: (i: number) => string,
  count: number,
  fragment: string,
) {
  const declared = Array.from({ length: count }, (_, i) =>
    Object.entries(vars)
      .map(([name, type]) => `$${name}${i}: ${type}`)
      .join(', '),
  ).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `x${i}: ${field(i)}`).join('\n');
  return `query ${operation}(${declared}) {\n${fields}\n}\n${fragment}`;
}

const CONNECTION = `
fragment Connection on StudentGapConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  edges {
    cursor
    node {
      student { externalId name email graduationYear advisor { externalId name } }
      gaps { id purpose urgency overdueAt interaction { externalId kind } }
    }
  }
}`;
const missingQuery = (count: number) =>
  batched(
    'Missing',
    { f: 'MissingFollowUpsFilter', n: 'Int!', a: 'String' },
    (i) => `studentsMissingFollowUps(filter: $f${i}, first: $n${i}, after: $a${i}) { ...Connection }`,
    count,
    CONNECTION,
  );

const TIMELINE = `
fragment Timeline on Student {
  externalId name email graduationYear locale timezone notificationsEnabled
  advisor { externalId name }
  interactions {
    externalId kind occurredAt outcome notes
    company { externalId name }
    contacts { externalId name title }
  }
  followUps { externalId interactionExternalId channel sentAt purpose }
  gaps { id purpose urgency overdueAt interaction { externalId kind company { externalId name } } }
  resolvedGaps { id state purpose interaction { externalId company { externalId name } } }
  reminders { id status scheduledAt items { purpose nudge interactionExternalId } why { timezone items { gapId } } }
}`;
const studentQuery = (count: number) =>
  batched(
    'Students',
    { e: 'String!' },
    (i) => `student(externalId: $e${i}) { ...Timeline }`,
    count,
    TIMELINE,
  );

const FIGURES = `interactionsByKind { kind count } thankYouGaps thankYouWithin24h thankYouWithin48h medianHoursToThankYou openGaps overdueGaps`;
const STATS_FRAGMENT = `
fragment Stats on FollowUpStats {
  ${FIGURES}
  perAdvisor { advisor { externalId name } ${FIGURES} }
}`;
const statsQuery = (count: number) =>
  batched(
    'Stats',
    { f: 'FollowUpStatsFilter!' },
    (i) => `followUpStats(filter: $f${i}) { ...Stats }`,
    count,
    STATS_FRAGMENT,
  );

const AUDIT_FRAGMENT = `
fragment Page on AuditLogPage { entries { actor role studentExternalId operation } nextCursor }`;
const auditQuery = (count: number, first: number) =>
  batched(
    'Audit',
    { s: 'String', a: 'String' },
    (i) => `auditLog(studentExternalId: $s${i}, first: ${first}, after: $a${i}) { ...Page }`,
    count,
    AUDIT_FRAGMENT,
  );

const DISMISS = `mutation Dismiss($id: ID!) { dismissGap(id: $id, reason: "not in my scope") { id state } }`;
const SNOOZE = `mutation Snooze($id: ID!, $until: DateTime!) { snoozeGap(id: $id, until: $until) { id state snoozedUntil } }`;
const LOG = `mutation Log($input: LogFollowUpInput!) { logFollowUp(input: $input) { externalId interactionExternalId channel } }`;

interface Figures {
  interactionsByKind: { kind: Kind; count: number }[];
  thankYouGaps: number;
  thankYouWithin24h: number | null;
  thankYouWithin48h: number | null;
  medianHoursToThankYou: number | null;
  openGaps: number;
  overdueGaps: number;
}

interface MissingFilter {
  advisorExternalId?: string;
  urgency?: string[];
  kinds?: Kind[];
  graduationYear?: number;
}

describe('advisor API authorization matrix (2 centers × 3 advisors and a director, through HTTP)', () => {
  let t: TestApp;
  const centers = {} as Record<CenterKey, CenterSeed>;
  const viewers: Viewer[] = [];

  const rest = (c: CenterSeed) => ({
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

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      role: 'api',
      isolated: true,
      env: { GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000' },
    });
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
  });
  afterAll(() => t?.close());

  // ---- the oracle ------------------------------------------------------------------------------------------

  const live = (key: CenterKey) => centers[key].students.filter((s) => !s.erased);
  const visible = (v: Viewer, s: StudentSeed) =>
    s.center === v.center && !s.erased && (v.caseload === null || s.advisor === v.caseload);
  /** The student a viewer's externalId names: in the viewer's own center, only when in scope. */
  const inScope = (v: Viewer, externalId: string) =>
    live(v.center).find((s) => s.externalId === externalId && visible(v, s)) ?? null;
  const openGaps = (s: StudentSeed) =>
    (centers[s.center].gaps.get(s.externalId) ?? []).filter((g) => g.state === 'OPEN');
  const matchingGaps = (s: StudentSeed, f: MissingFilter) =>
    openGaps(s).filter(
      (g) =>
        (!f.urgency || f.urgency.includes(g.urgency!)) && (!f.kinds || f.kinds.includes(g.interaction.kind)),
    );
  const expectedMissing = (v: Viewer, f: MissingFilter) =>
    live(v.center).filter(
      (s) =>
        visible(v, s) &&
        (f.advisorExternalId === undefined || s.advisor === f.advisorExternalId) &&
        (f.graduationYear === undefined || s.graduationYear === f.graduationYear) &&
        matchingGaps(s, f).length > 0,
    );
  const companyOf = (key: CenterKey, externalId: string) =>
    centers[key].companies.find((co) => co.externalId === externalId)!;

  function expectedFigures(students: StudentSeed[]): Figures {
    const interactions = students.flatMap((s) => s.interactions);
    const thanked = interactions.filter((i) => i.kind !== 'OTHER');
    const hours = thanked
      .filter((i) => i.followUp)
      .map((i) => (Date.parse(i.followUp!.sentAt) - Date.parse(i.endedAt)) / HOUR);
    const share = (n: number) => (thanked.length ? n / thanked.length : null);
    const open = students.flatMap(openGaps);
    return {
      interactionsByKind: KINDS.map((kind) => ({
        kind,
        count: interactions.filter((i) => i.kind === kind).length,
      })),
      thankYouGaps: thanked.length,
      thankYouWithin24h: share(hours.filter((h) => h <= 24).length),
      thankYouWithin48h: share(hours.filter((h) => h <= 48).length),
      medianHoursToThankYou: median(hours),
      openGaps: open.length,
      overdueGaps: open.filter((g) => g.urgency === 'OVERDUE').length,
    };
  }

  function compareFigures(tally: Tally, where: string, actual: Figures | undefined, expected: Figures): void {
    if (!tally.check(actual !== undefined, () => `${where}: no figures`)) return;
    for (const { kind, count } of expected.interactionsByKind) {
      const got = actual!.interactionsByKind.find((k) => k.kind === kind)?.count;
      tally.check(got === count, () => `${where}: interactions ${kind} = ${got}, expected ${count}`);
    }
    for (const field of ['thankYouGaps', 'openGaps', 'overdueGaps'] as const)
      tally.check(
        actual![field] === expected[field],
        () => `${where}: ${field} = ${actual![field]}, expected ${expected[field]}`,
      );
    for (const field of ['thankYouWithin24h', 'thankYouWithin48h', 'medianHoursToThankYou'] as const)
      tally.check(
        close(actual![field], expected[field]),
        () => `${where}: ${field} = ${actual![field]}, expected ${expected[field]}`,
      );
  }

  /** The HTTP/GraphQL envelope of a request a valid viewer makes: 200 and no errors. */
  function ok(tally: Tally, where: string, response: GraphqlResponse): boolean {
    return tally.check(
      response.status === 200 && !response.errors,
      () => `${where}: HTTP ${response.status} ${JSON.stringify(response.errors)}`,
    );
  }

  /** A student node as the viewer sees it, compared field by field with the seed and REST truth. */
  function compareStudent(
    tally: Tally,
    where: string,
    v: Viewer,
    node: Json,
    s: StudentSeed,
    full: boolean,
  ): void {
    tally.check(
      node.name === s.name && node.email === s.email && node.graduationYear === s.graduationYear,
      () => `${where}: profile ${node.name}/${node.email} is not ${v.center}'s ${s.externalId}`,
    );
    tally.check(
      node.advisor?.externalId === s.advisor &&
        node.advisor?.name === centers[v.center].advisors.find((a) => a.externalId === s.advisor)!.name,
      () => `${where}: advisor ${JSON.stringify(node.advisor)}, expected ${s.advisor}`,
    );
    if (!full) return; // a page of studentsMissingFollowUps asks for the profile only
    tally.check(
      sameSet(
        node.interactions.map((i: Json) => i.externalId),
        s.interactions.map((i) => i.externalId),
      ),
      () => `${where}: interactions ${show(node.interactions.map((i: Json) => i.externalId))}`,
    );
    for (const i of node.interactions) {
      const seed = s.interactions.find((x) => x.externalId === i.externalId);
      if (!seed) continue;
      const company = companyOf(v.center, seed.companyExternalId);
      tally.check(
        i.company.externalId === company.externalId && i.company.name === company.name,
        () =>
          `${where}: interaction ${i.externalId} company ${JSON.stringify(i.company)}, expected ${company.name}`,
      );
      tally.check(
        sameSet(
          i.contacts.map((ct: Json) => `${ct.externalId}|${ct.name}`),
          company.contacts.map((ct) => `${ct.externalId}|${ct.name}`),
        ),
        () => `${where}: interaction ${i.externalId} contacts ${JSON.stringify(i.contacts)}`,
      );
      tally.check(
        i.kind === seed.kind && Date.parse(i.occurredAt) === Date.parse(seed.occurredAt),
        () => `${where}: interaction ${i.externalId} is ${i.kind} at ${i.occurredAt}, not the seeded one`,
      );
    }
    const restAll = centers[v.center].gaps.get(s.externalId)!;
    tally.check(
      sameSet(
        node.followUps.map((f: Json) => `${f.externalId}|${f.interactionExternalId}`),
        s.interactions.filter((i) => i.followUp).map((i) => `${i.followUp!.externalId}|${i.externalId}`),
      ),
      () => `${where}: followUps ${JSON.stringify(node.followUps)}`,
    );
    compareGaps(tally, `${where} gaps`, v, node.gaps, openGaps(s));
    tally.check(
      sameSet(
        node.resolvedGaps.map((g: Json) => `${g.id}|${g.state}|${g.interaction?.externalId}`),
        restAll
          .filter((g) => g.state !== 'OPEN')
          .map((g) => `${g.id}|${g.state}|${g.interaction.externalId}`),
      ),
      () => `${where}: resolvedGaps ${JSON.stringify(node.resolvedGaps)}`,
    );
    for (const g of node.resolvedGaps) {
      const company = companyOf(
        v.center,
        s.interactions.find((i) => i.externalId === g.interaction?.externalId)?.companyExternalId ?? '',
      );
      tally.check(
        company !== undefined && g.interaction.company.name === company.name,
        () => `${where}: resolved gap ${g.id} company ${JSON.stringify(g.interaction?.company)}`,
      );
    }
    const reminders = centers[v.center].reminders.get(s.externalId) ?? [];
    tally.check(
      sameSet(
        node.reminders.map((r: Json) => `${r.id}|${r.status}`),
        reminders.map((r) => `${r.id}|${r.status}`),
      ),
      () =>
        `${where}: reminders ${JSON.stringify(node.reminders.map((r: Json) => r.id))}, expected ${show(reminders.map((r) => r.id))}`,
    );
    const interactionIds = new Set(s.interactions.map((i) => i.externalId));
    for (const r of node.reminders) {
      for (const item of r.items)
        tally.check(
          interactionIds.has(item.interactionExternalId),
          () => `${where}: reminder ${r.id} names interaction ${item.interactionExternalId}`,
        );
      const truth = reminders.find((x) => x.id === r.id);
      tally.check(
        !!truth &&
          sameSet(
            r.why.items.map((i: Json) => i.gapId),
            truth.why.items.map((i) => i.gapId),
          ),
        () => `${where}: reminder ${r.id} why names gaps ${show(r.why.items.map((i: Json) => i.gapId))}`,
      );
    }
  }

  function compareGaps(tally: Tally, where: string, v: Viewer, actual: Json[], expected: RestGap[]): void {
    tally.check(
      sameSet(
        actual.map((g) => g.id),
        expected.map((g) => g.id),
      ),
      () => `${where}: ${show(actual.map((g) => g.id))}, expected ${show(expected.map((g) => g.id))}`,
    );
    for (const g of actual) {
      const truth = expected.find((x) => x.id === g.id);
      if (!truth) continue;
      tally.check(
        g.urgency === truth.urgency &&
          g.purpose === truth.purpose &&
          g.interaction.externalId === truth.interaction.externalId &&
          g.interaction.kind === truth.interaction.kind,
        () => `${where}: gap ${g.id} ${JSON.stringify(g)} differs from REST ${JSON.stringify(truth)}`,
      );
      if (g.interaction.company === undefined) continue; // not asked for
      const company = companyOf(
        v.center,
        live(v.center)
          .flatMap((s) => s.interactions)
          .find((i) => i.externalId === truth.interaction.externalId)!.companyExternalId,
      );
      tally.check(
        g.interaction.company.name === company.name,
        () => `${where}: gap ${g.id} company ${g.interaction.company.name}, expected ${company.name}`,
      );
    }
  }

  interface Walk {
    filter: MissingFilter | null;
    first: number;
    /** Set when the walk starts from a cursor another viewer was given. */
    foreignCursor: string | null;
    after: string | null;
    seen: string[];
    lastSortKey: number;
    firstCursor: string | null;
    done: boolean;
  }
  const walk = (filter: MissingFilter | null, first = 2, foreignCursor: string | null = null): Walk => ({
    filter,
    first,
    foreignCursor,
    after: foreignCursor,
    seen: [],
    lastSortKey: -Infinity,
    firstCursor: null,
    done: false,
  });

  /** Errors a batched response carries for one alias. */
  const errorsOf = (response: GraphqlResponse, alias: string) =>
    (response.errors ?? []).filter((e) => e.path?.[0] === alias);

  /**
   * Walks every page of studentsMissingFollowUps for several filters at once (one alias per walk, so a round
   * of pages is one request), checking every edge against the oracle.
   */
  async function walkMissing(tally: Tally, v: Viewer, walks: Walk[]): Promise<void> {
    for (let round = 0; round < 40 && walks.some((w) => !w.done); round++) {
      const active = walks.filter((w) => !w.done);
      for (let from = 0; from < active.length; from += BATCH.missing) {
        const chunk = active.slice(from, from + BATCH.missing);
        const variables: Record<string, unknown> = {};
        chunk.forEach((w, i) =>
          Object.assign(variables, { [`f${i}`]: w.filter, [`n${i}`]: w.first, [`a${i}`]: w.after }),
        );
        const response = await graphql(t, v.token, missingQuery(chunk.length), variables);
        tally.check(
          response.status === 200,
          () => `${v.label} studentsMissingFollowUps: HTTP ${response.status}`,
        );
        chunk.forEach((w, i) => {
          const where = `${v.label} studentsMissingFollowUps(${JSON.stringify(w.filter)}, first: ${w.first}${w.foreignCursor ? ', after: a foreign cursor' : ''})`;
          const errors = errorsOf(response, `x${i}`);
          const connection = response.data?.[`x${i}`];
          if (
            !tally.check(errors.length === 0 && !!connection, () => `${where}: ${JSON.stringify(errors)}`)
          ) {
            w.done = true;
            return;
          }
          pageOfMissing(tally, where, v, w, connection);
        });
      }
    }
    for (const w of walks) {
      const where = `${v.label} studentsMissingFollowUps(${JSON.stringify(w.filter)})`;
      tally.check(w.done, () => `${where}: still had pages after 40`);
      if (w.foreignCursor) continue;
      const expected = expectedMissing(v, w.filter ?? {}).map((s) => s.externalId);
      tally.check(
        sameSet(w.seen, expected),
        () => `${where}: walked ${show(w.seen)}, expected ${show(expected)}`,
      );
    }
  }

  function pageOfMissing(tally: Tally, where: string, v: Viewer, w: Walk, connection: Json): void {
    const expected = expectedMissing(v, w.filter ?? {});
    tally.check(
      connection.totalCount === expected.length,
      () => `${where}: totalCount ${connection.totalCount}, expected ${expected.length}`,
    );
    tally.check(connection.edges.length <= w.first, () => `${where}: page of ${connection.edges.length}`);
    for (const edge of connection.edges) {
      const node = edge.node;
      const id: string = node.student.externalId;
      const s = inScope(v, id);
      tally.check(!w.seen.includes(id), () => `${where}: ${id} repeated`);
      w.seen.push(id);
      if (!tally.check(s !== null, () => `${where}: LEAK ${id} (${node.student.name}) is outside the scope`))
        continue;
      tally.check(
        expected.includes(s!),
        () => `${where}: ${id} does not match the filter (gaps ${JSON.stringify(node.gaps)})`,
      );
      compareStudent(tally, `${where} ${id}`, v, node.student, s!, false);
      compareGaps(tally, `${where} ${id} gaps`, v, node.gaps, matchingGaps(s!, w.filter ?? {}));
      const sortKey = Math.min(...node.gaps.map((g: Json) => Date.parse(g.overdueAt)));
      tally.check(sortKey >= w.lastSortKey, () => `${where}: ${id} out of order`);
      w.lastSortKey = sortKey;
    }
    w.firstCursor ??= connection.pageInfo.endCursor;
    w.after = connection.pageInfo.endCursor;
    w.done = !connection.pageInfo.hasNextPage;
    if (!w.done)
      tally.check(connection.edges.length === w.first, () => `${where}: a short page before the last`);
  }

  /** Every row of a director's audit log, page by page. */
  async function walkAudit(tally: Tally, v: Viewer) {
    const entries: { actor: string; role: string; studentExternalId: string | null; operation: string }[] =
      [];
    let after: string | null = null;
    for (let page = 0; page < 500; page++) {
      const response: GraphqlResponse = await graphql(t, v.token, auditQuery(1, BATCH.auditPage), {
        s0: null,
        a0: after,
      });
      if (!ok(tally, `${v.label} auditLog page ${page}`, response)) break;
      entries.push(...response.data.x0.entries);
      after = response.data.x0.nextCursor;
      if (!after) break;
    }
    return entries;
  }

  /** Audit rows a director may see: its own center's actors and students, nothing else. */
  function checkAuditRows(
    tally: Tally,
    where: string,
    v: Viewer,
    entries: Json[],
    studentExternalId: string | null,
  ) {
    const own = centers[v.center];
    const ownActors = new Set([
      ...own.advisors.map((a) => `advisor:${a.externalId}`),
      ...own.apiKeyIds.map((id) => `api-key:${id}`),
    ]);
    const ownStudents = new Set(own.students.map((s) => s.externalId));
    const foreign = entries.filter(
      (e) =>
        !ownActors.has(e.actor) ||
        (e.studentExternalId !== null && !ownStudents.has(e.studentExternalId)) ||
        (studentExternalId !== null && e.studentExternalId !== studentExternalId),
    );
    tally.check(
      foreign.length === 0,
      () =>
        `${where}: LEAK ${foreign.length} rows not of this center/student: ${JSON.stringify(foreign.slice(0, 3))}`,
    );
    if (studentExternalId !== null && !ownStudents.has(studentExternalId))
      tally.check(
        entries.length === 0,
        () => `${where}: ${entries.length} rows for a student this center does not have`,
      );
  }

  const chunks = <T>(items: T[], size: number) =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
  const allAdvisorIds = () => [...centers.A.advisors, ...centers.B.advisors].map((a) => a.externalId);
  const allStudentIds = () => [
    ...new Set([...centers.A.students, ...centers.B.students].map((s) => s.externalId)),
    'no-such-student',
  ];

  it('seeds a world where every urgency, kind and purpose is present in both centers', () => {
    for (const key of ['A', 'B'] as const) {
      const open = live(key).flatMap(openGaps);
      expect(new Set(open.map((g) => g.urgency))).toEqual(new Set(['DUE', 'LATE', 'OVERDUE']));
      expect(new Set(open.map((g) => g.purpose))).toEqual(new Set(['THANK_YOU', 'CHECK_IN']));
      expect(new Set(open.map((g) => g.interaction.kind))).toEqual(
        new Set(['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING']),
      );
      const all = live(key).flatMap((s) => centers[key].gaps.get(s.externalId)!);
      expect(all.filter((g) => g.state === 'SATISFIED').length).toBeGreaterThan(2);
      expect([...centers[key].reminders.values()].flat().length).toBeGreaterThan(5);
      // Every interaction but OTHER has its thank-you gap (the oracle of followUpStats relies on it).
      for (const s of live(key))
        for (const i of s.interactions.filter((i) => i.kind !== 'OTHER'))
          expect(
            all.some((g) => g.purpose === 'THANK_YOU' && g.interaction.externalId === i.externalId),
          ).toBe(true);
      expect(centers[key].erasedGapIds.length).toBeGreaterThan(0);
    }
    expect(viewers).toHaveLength(12);
  });

  it('every viewer sees exactly its scope in every query, nested field, filter, count, page and the audit log', async () => {
    const tally = new Tally();
    const from = iso(NOW - 30 * 24 * HOUR);
    const to = iso(NOW + 24 * HOUR);
    const filters: MissingFilter[] = [
      ...allAdvisorIds().map((advisorExternalId) => ({ advisorExternalId })),
      { advisorExternalId: 'no-such-advisor' },
      { urgency: ['DUE'] },
      { urgency: ['LATE'] },
      { urgency: ['OVERDUE'] },
      { urgency: ['DUE', 'OVERDUE'] },
      ...KINDS.map((kind) => ({ kinds: [kind] })),
      { kinds: ['INTERVIEW', 'NETWORKING'] },
      { graduationYear: 2026 },
      { graduationYear: 2027 },
      { graduationYear: 2028 },
      { advisorExternalId: 'A-adv-2', urgency: ['OVERDUE', 'LATE'] },
      { advisorExternalId: 'B-adv-1', kinds: ['INTERVIEW'] },
      { graduationYear: 2027, kinds: ['INTERVIEW', 'CAREER_FAIR'], urgency: ['DUE', 'LATE'] },
    ];

    await Promise.all(
      viewers.map(async (v) => {
        // studentsMissingFollowUps: no filter (pages of 2 and of 1), then every filter, walked to the end.
        await walkMissing(tally, v, [walk(null), walk({}, 1), ...filters.map((f) => walk(f))]);

        // student(externalId) for every student of both centers (and the erased one, and an unknown one).
        for (const ids of chunks(allStudentIds(), BATCH.student)) {
          const variables = Object.fromEntries(ids.map((id, i) => [`e${i}`, id]));
          const response = await graphql(t, v.token, studentQuery(ids.length), variables);
          if (!ok(tally, `${v.label} student(${ids.join(', ')})`, response)) continue;
          ids.forEach((externalId, i) => {
            const where = `${v.label} student(${externalId})`;
            const node = response.data[`x${i}`];
            const s = inScope(v, externalId);
            if (s === null) {
              tally.check(node === null, () => `${where}: LEAK ${JSON.stringify(node)?.slice(0, 200)}`);
            } else if (tally.check(node !== null, () => `${where}: null, expected ${v.center}'s student`)) {
              tally.check(node.externalId === externalId, () => `${where}: got ${node.externalId}`);
              compareStudent(tally, where, v, node, s, true);
            }
          });
        }

        // followUpStats: the whole scope, then narrowed to each advisor of both centers.
        const statsFilters = [undefined, ...allAdvisorIds(), 'no-such-advisor'];
        for (const batch of chunks(statsFilters, BATCH.stats)) {
          const variables = Object.fromEntries(
            batch.map((advisorExternalId, i) => [`f${i}`, { from, to, advisorExternalId }]),
          );
          const response = await graphql(t, v.token, statsQuery(batch.length), variables);
          if (!ok(tally, `${v.label} followUpStats`, response)) continue;
          batch.forEach((advisorExternalId, i) => {
            const where = `${v.label} followUpStats(${advisorExternalId ?? 'scope'})`;
            const stats = response.data[`x${i}`];
            const scope = live(v.center).filter(
              (s) => visible(v, s) && (advisorExternalId === undefined || s.advisor === advisorExternalId),
            );
            compareFigures(tally, where, stats, expectedFigures(scope));
            const advisorsInScope = [
              ...new Set(scope.filter((s) => s.interactions.length).map((s) => s.advisor)),
            ];
            const expectedPerAdvisor = v.role === 'director' ? advisorsInScope : [];
            tally.check(
              sameSet(
                stats.perAdvisor.map((p: Json) => p.advisor.externalId),
                expectedPerAdvisor,
              ),
              () =>
                `${where}: perAdvisor ${show(stats.perAdvisor.map((p: Json) => p.advisor.externalId))}, expected ${show(expectedPerAdvisor)}`,
            );
            for (const p of stats.perAdvisor) {
              const advisor = centers[v.center].advisors.find((a) => a.externalId === p.advisor.externalId);
              if (
                !tally.check(
                  advisor?.name === p.advisor.name,
                  () => `${where}: LEAK perAdvisor ${JSON.stringify(p.advisor)}`,
                )
              )
                continue;
              compareFigures(
                tally,
                `${where} perAdvisor ${advisor!.externalId}`,
                p,
                expectedFigures(scope.filter((s) => s.advisor === advisor!.externalId)),
              );
            }
          });
        }

        // auditLog: advisors are refused, whatever they ask for (one request each: a refused field nulls the
        // whole response, so aliases would hide all refusals but the first).
        if (v.role === 'advisor') {
          const mine = live(v.center).find((s) => visible(v, s))!.externalId;
          const colleague = live(v.center).find((s) => !visible(v, s))!.externalId;
          const foreign = live(v.center === 'A' ? 'B' : 'A')[0].externalId;
          for (const studentExternalId of [null, mine, colleague, foreign, 'no-such-student']) {
            const response = await graphql(t, v.token, auditQuery(1, 5), { s0: studentExternalId });
            tally.check(
              response.status === 200 &&
                response.errors?.length === 1 &&
                response.errors[0].extensions?.code === 'FORBIDDEN' &&
                !response.data,
              () =>
                `${v.label} auditLog(${studentExternalId}): expected FORBIDDEN, got ${JSON.stringify(response.data ?? response.errors)}`,
            );
          }
          return;
        }
        // Directors: the whole log and each student's rows (both centers') hold their own center's rows only.
        for (const batch of chunks([null, ...allStudentIds()], BATCH.audit)) {
          const variables = Object.fromEntries(batch.map((id, i) => [`s${i}`, id]));
          const response = await graphql(t, v.token, auditQuery(batch.length, 5), variables);
          if (!ok(tally, `${v.label} auditLog(${batch.join(', ')})`, response)) continue;
          batch.forEach((studentExternalId, i) =>
            checkAuditRows(
              tally,
              `${v.label} auditLog(${studentExternalId})`,
              v,
              response.data[`x${i}`].entries,
              studentExternalId,
            ),
          );
        }
      }),
    );

    // A cursor is no key: another viewer continuing from a director's page still sees only its own scope.
    const director = viewers.find((v) => v.label === 'A:A-dir(director)')!;
    const first = walk(null);
    await walkMissing(tally, director, [first]);
    expect(first.firstCursor).not.toBeNull();
    await Promise.all(viewers.map((v) => walkMissing(tally, v, [walk(null, 2, first.firstCursor)])));

    // The whole audit log of each center, as each director sees it: only its center's rows; every read a
    // viewer made of a student is there under its name, and no refused read is.
    for (const key of ['A', 'B'] as const) {
      for (const dir of viewers.filter((v) => v.center === key && v.role === 'director')) {
        const entries = await walkAudit(tally, dir);
        checkAuditRows(tally, `${dir.label} auditLog (all pages)`, dir, entries, null);
        tally.check(entries.length > 100, () => `${dir.label} auditLog: only ${entries.length} rows`);
        for (const s of live(key)) {
          const readers = new Set(
            entries
              .filter((e) => e.studentExternalId === s.externalId && e.operation === 'graphql:student')
              .map((e) => `${e.actor}|${e.role}`),
          );
          const expectedReaders = viewers.filter((v) => visible(v, s)).map((v) => `${v.actor}|${v.role}`);
          tally.check(
            sameSet(readers, expectedReaders),
            () =>
              `${dir.label} audit of ${s.externalId}: readers ${show(readers)}, expected ${show(expectedReaders)}`,
          );
        }
      }
    }

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(8000);
    console.log(
      `authorization matrix (reads): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });

  // ---- mutations -------------------------------------------------------------------------------------------

  /** Everything REST can tell about both centers' gaps, follow-ups and reminders, for before/after diffs. */
  async function snapshot(): Promise<Map<string, string>> {
    const state = new Map<string, string>();
    for (const key of ['A', 'B'] as const) {
      const c = centers[key];
      for (const s of live(key))
        for (const g of await restGaps(c, s.externalId))
          state.set(
            `${key} gap ${g.id}`,
            JSON.stringify([g.state, g.urgency, g.nextReminderAt, g.overdueAt]),
          );
      for (const f of await restList<Json>(c, '/v1/follow-ups'))
        state.set(
          `${key} follow-up ${f.externalId}`,
          JSON.stringify([f.interactionExternalId, f.channel, f.sentAt, f.note]),
        );
      for (const r of await restList<RestReminder>(c, '/v1/reminders'))
        state.set(`${key} reminder ${r.id}`, JSON.stringify([r.status, r.scheduledAt]));
    }
    return state;
  }

  function diff(tally: Tally, before: Map<string, string>, after: Map<string, string>): void {
    for (const key of new Set([...before.keys(), ...after.keys()]))
      tally.check(
        before.get(key) === after.get(key),
        () => `state changed: ${key}: ${before.get(key) ?? '(none)'} → ${after.get(key) ?? '(none)'}`,
      );
  }

  it('dismissGap, snoozeGap and logFollowUp outside the scope are NOT_FOUND and change nothing', async () => {
    const tally = new Tally();
    const before = await snapshot();
    const until = iso(NOW + 2 * 24 * HOUR);
    const sentAt = iso(NOW - HOUR);
    const expectNotFound = (where: string, response: GraphqlResponse) =>
      tally.check(
        response.status === 200 &&
          response.errors?.length === 1 &&
          response.errors[0].extensions?.code === 'NOT_FOUND' &&
          !response.data,
        () =>
          `${where}: expected NOT_FOUND, got ${JSON.stringify(response.data)} ${JSON.stringify(response.errors)}`,
      );

    // Every viewer against every student outside its scope: an open gap (dismiss, snooze), a resolved gap
    // (dismiss: a CONFLICT would tell the gap exists) and an interaction (log). Which gap and interaction of a
    // student rotates with the viewer, so the viewers together aim at all of them.
    await Promise.all(
      viewers.map(async (v, n) => {
        const pick = <T>(items: T[]) => (items.length ? items[n % items.length] : undefined);
        for (const key of ['A', 'B'] as const) {
          // The other center's students are split among the viewers (each is aimed at by four of them):
          // there one condition (the center) is at work, in the own center the caseload.
          const targets = live(key).filter(
            (s, index) => !visible(v, s) && (key === v.center || (index + n) % 3 === 0),
          );
          for (const s of targets) {
            const gaps = centers[key].gaps.get(s.externalId)!;
            const open = pick(gaps.filter((g) => g.state === 'OPEN'));
            const resolved = pick(gaps.filter((g) => g.state !== 'OPEN'));
            const where = `${v.label} → ${key}:${s.externalId}`;
            if (open) {
              expectNotFound(
                `${where} dismissGap(open)`,
                await graphql(t, v.token, DISMISS, { id: open.id }),
              );
              expectNotFound(`${where} snoozeGap`, await graphql(t, v.token, SNOOZE, { id: open.id, until }));
            }
            if (resolved)
              expectNotFound(
                `${where} dismissGap(${resolved.state})`,
                await graphql(t, v.token, DISMISS, { id: resolved.id }),
              );
            // The same externalId in the viewer's own center may name an interaction it does see.
            const interaction = pick(
              s.interactions.filter(
                (i) =>
                  !live(v.center).some(
                    (x) => visible(v, x) && x.interactions.some((y) => y.externalId === i.externalId),
                  ),
              ),
            );
            if (interaction)
              expectNotFound(
                `${where} logFollowUp(${interaction.externalId})`,
                await graphql(t, v.token, LOG, {
                  input: {
                    interactionExternalId: interaction.externalId,
                    channel: 'PHONE',
                    sentAt,
                    note: 'by phone',
                  },
                }),
              );
          }
          // The erased student's gaps are nobody's any more, not even the director's.
          for (const id of centers[key].erasedGapIds) {
            expectNotFound(
              `${v.label} dismissGap(${key} erased)`,
              await graphql(t, v.token, DISMISS, { id }),
            );
            expectNotFound(
              `${v.label} snoozeGap(${key} erased)`,
              await graphql(t, v.token, SNOOZE, { id, until }),
            );
          }
        }
      }),
    );
    diff(tally, before, await snapshot());

    // Controls: the same mutations inside the scope do work, so the NOT_FOUNDs above are the scope at work.
    const viewer = (label: string) => viewers.find((v) => v.label === label)!;
    const openGapOf = (key: CenterKey, studentExternalId: string) =>
      centers[key].gaps.get(studentExternalId)!.find((g) => g.state === 'OPEN')!;
    const snoozed = await graphql(t, viewer('A:A-adv-1(advisor)').token, SNOOZE, {
      id: openGapOf('A', 'A-s-12').id,
      until,
    });
    tally.check(
      snoozed.data?.snoozeGap?.state === 'OPEN',
      () => `control snooze: ${JSON.stringify(snoozed)}`,
    );
    const dismissed = await graphql(t, viewer('B:B-dir(director)').token, DISMISS, {
      id: openGapOf('B', 'B-s-21').id,
    });
    tally.check(
      dismissed.data?.dismissGap?.state === 'DISMISSED',
      () => `control dismiss: ${JSON.stringify(dismissed)}`,
    );
    tally.check(
      (await restGaps(centers.B, 'B-s-21')).find((g) => g.id === openGapOf('B', 'B-s-21').id)?.state ===
        'DISMISSED',
      () => 'control dismiss: REST does not show DISMISSED',
    );
    const logged = await graphql(t, viewer('A:api-key').token, LOG, {
      input: { interactionExternalId: 'A-s-32-i1', channel: 'PHONE', sentAt },
    });
    tally.check(
      logged.data?.logFollowUp?.interactionExternalId === 'A-s-32-i1',
      () => `control log: ${JSON.stringify(logged)}`,
    );
    tally.check(
      (await restGaps(centers.A, 'A-s-32')).find((g) => g.interaction.externalId === 'A-s-32-i1')?.state ===
        'SATISFIED',
      () => 'control log: REST does not show the gap SATISFIED',
    );
    await loadTruth(centers.A);
    await loadTruth(centers.B);

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(350);
    console.log(
      `authorization matrix (mutations): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });

  /**
   * logFollowUp checks that `interactionExternalId` is in the advisor's scope, but then upserts the follow-up
   * under the caller-chosen `externalId` (AdvisorActionsService.logFollowUp → FollowUpsService.upsertMany, ON
   * CONFLICT (center_id, external_id) DO UPDATE). Naming another student's follow-up moves it onto the
   * advisor's own interaction, overwrites its channel, time and note, and reopens the other student's gap.
   */
  it("logFollowUp cannot take over a follow-up outside the advisor's scope by reusing its externalId", async () => {
    const tally = new Tally();
    const sentAt = iso(NOW - HOUR);
    for (const v of viewers.filter((v) => v.role === 'advisor')) {
      const c = centers[v.center];
      const ownInteraction = live(v.center).find((s) => visible(v, s))!.interactions[0].externalId;
      // One victim per advisor: a student of a colleague with a logged follow-up.
      const victims = live(v.center)
        .filter((s) => !visible(v, s) && s.interactions.some((i) => i.followUp))
        .slice(0, 1);
      for (const victim of victims) {
        const target = victim.interactions.find((i) => i.followUp)!;
        const fu = target.followUp!.externalId;
        const where = `${v.label} logFollowUp(externalId: ${fu} of ${victim.externalId})`;
        const before = (await rest(c).get(`/v1/follow-ups/${fu}`).expect(200)).body;
        const gapsBefore = await restGaps(c, victim.externalId);
        const response = await graphql(t, v.token, LOG, {
          input: {
            interactionExternalId: ownInteraction,
            channel: 'PHONE',
            sentAt,
            note: 'overwritten',
            externalId: fu,
          },
        });
        tally.check(
          !!response.errors?.length && !response.data,
          () => `${where}: accepted, returned ${JSON.stringify(response.data)}`,
        );
        const after = (await rest(c).get(`/v1/follow-ups/${fu}`).expect(200)).body;
        const moved =
          after.interactionExternalId !== before.interactionExternalId || after.note !== before.note;
        tally.check(
          !moved,
          () =>
            `${where}: the follow-up now answers ${after.interactionExternalId} (was ${before.interactionExternalId})`,
        );
        const gapsAfter = await restGaps(c, victim.externalId);
        tally.check(
          sameSet(
            gapsAfter.map((g) => `${g.id}|${g.state}`),
            gapsBefore.map((g) => `${g.id}|${g.state}`),
          ),
          () =>
            `${where}: ${victim.externalId}'s gaps went from ${show(gapsBefore.map((g) => g.state))} to ${show(gapsAfter.map((g) => g.state))}`,
        );
        if (moved) {
          // Put it back, so each attempt starts from the seeded state.
          await rest(c)
            .put(`/v1/follow-ups/${fu}`, {
              interactionExternalId: before.interactionExternalId,
              channel: before.channel,
              sentAt: before.sentAt,
              purpose: before.purpose,
              ...(before.note ? { note: before.note } : {}),
            })
            .expect(200);
        }
      }
    }
    tally.expectClean();
    expect(tally.checks).toBeGreaterThanOrEqual(3 * 8);
  });

  // ---- authentication --------------------------------------------------------------------------------------

  it('bad credentials are HTTP 401 UNAUTHENTICATED for queries and mutations alike', async () => {
    const tally = new Tally();
    const A = centers.A.center;
    const B = centers.B.center;
    const secret = new TextEncoder().encode(t.runtime.secrets.advisorJwtSecret);
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const sign = (claims: Record<string, unknown>, alg = 'HS256') =>
      new SignJWT(claims).setProtectedHeader({ alg }).sign(secret);
    const issued = (await t.http.post('/v1/api-keys').set(A.auth).expect(201)).body as {
      id: string;
      apiKey: string;
    };
    await t.http.delete(`/v1/api-keys/${issued.id}`).set(A.auth).expect(204);

    const cases: [string, string | undefined][] = [
      ['no Authorization header', undefined],
      ['not a JWT', 'not-a-jwt'],
      [
        'expired',
        await advisorToken(t, {
          sub: 'A-adv-1',
          center: A.id,
          role: 'advisor',
          exp: Math.floor(Date.now() / 1000) - 60,
        }),
      ],
      [
        'wrong signature',
        await advisorToken(
          t,
          { sub: 'A-adv-1', center: A.id, role: 'advisor' },
          'another-secret-entirely-0123456789',
        ),
      ],
      [
        'alg none',
        new UnsecuredJWT({ sub: 'A-adv-1', center: A.id, role: 'director' })
          .setExpirationTime(inAnHour)
          .encode(),
      ],
      [
        'HS512 instead of HS256',
        await sign({ sub: 'A-adv-1', center: A.id, role: 'advisor', exp: inAnHour }, 'HS512'),
      ],
      ['unknown advisor', await advisorToken(t, { sub: 'no-such-advisor', center: A.id, role: 'advisor' })],
      [
        "the other center's advisor",
        await advisorToken(t, { sub: 'B-adv-1', center: A.id, role: 'advisor' }),
      ],
      [
        'center claim of B, advisor of A',
        await advisorToken(t, { sub: 'A-adv-1', center: B.id, role: 'advisor' }),
      ],
      [
        'center claim of B, director of A',
        await advisorToken(t, { sub: 'A-dir', center: B.id, role: 'director' }),
      ],
      [
        'a center that does not exist',
        await advisorToken(t, {
          sub: 'A-adv-1',
          center: '00000000-0000-4000-8000-000000000000',
          role: 'director',
        }),
      ],
      ['center not an id', await advisorToken(t, { sub: 'A-adv-1', center: 'A', role: 'advisor' })],
      ['missing sub', await advisorToken(t, { center: A.id, role: 'advisor' })],
      ['empty sub', await advisorToken(t, { sub: '', center: A.id, role: 'advisor' })],
      ['missing center', await advisorToken(t, { sub: 'A-adv-1', role: 'advisor' })],
      ['missing role', await advisorToken(t, { sub: 'A-adv-1', center: A.id })],
      ['missing exp', await sign({ sub: 'A-adv-1', center: A.id, role: 'advisor' })],
      ['role admin', await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'admin' })],
      ['role Director (case)', await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'Director' })],
      ['role student', await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'student' })],
      ['unknown API key', `cfk_${'0'.repeat(12)}_${'x'.repeat(32)}`],
      ['revoked API key', issued.apiKey],
      ['the admin key', t.runtime.secrets.adminApiKey],
    ];
    const operations = [
      ['studentsMissingFollowUps', `{ studentsMissingFollowUps { totalCount } }`, {}],
      ['student', `query { student(externalId: "A-s-11") { name } }`, {}],
      ['dismissGap', DISMISS, { id: centers.A.gaps.get('A-s-11')!.find((g) => g.state === 'OPEN')!.id }],
    ] as const;
    for (const [what, token] of cases) {
      for (const [operation, query, variables] of operations) {
        const response = await graphql(t, token, query, variables);
        tally.check(
          response.status === 401 &&
            response.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' &&
            !response.data,
          () =>
            `${what} → ${operation}: HTTP ${response.status} ${JSON.stringify(response.errors ?? response.data)}`,
        );
        tally.check(
          !JSON.stringify(response.errors).includes('    at '),
          () => `${what} → ${operation}: a stack trace in the response`,
        );
      }
    }
    // Controls: a well-formed token of each kind is accepted.
    for (const token of [
      await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'advisor' }),
      await advisorToken(t, { sub: 'B-dir', center: B.id, role: 'director' }),
      A.apiKey,
    ]) {
      const response = await graphql(
        t,
        token,
        `
          {
            studentsMissingFollowUps {
              totalCount
            }
          }
        `,
      );
      tally.check(response.status === 200 && !response.errors, () => `control: HTTP ${response.status}`);
    }

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(2 * cases.length * operations.length);
  });
});
