import { graphql, type GraphqlResponse } from './advisor-graphql.js';
import { auditQuery, BATCH, missingQuery, studentQuery } from './advisor-authorization-documents.js';
import {
  HOUR,
  KINDS,
  type AuthorizationWorld,
  type CenterKey,
  type InteractionSeed,
  type Json,
  type Kind,
  type RestGap,
  type RestReminder,
  type StudentSeed,
  type Viewer,
} from './advisor-authorization-seed.js';

/**
 * The oracle of the advisor API authorization matrix (test/advisor-authorization/): what each viewer of the
 * seeded world (advisor-authorization-seed.ts) may see and do, and the walkers and comparisons that check
 * the API's answers against it, counting every check and collecting every violation.
 */

/** Counts every check; collects every violation with enough detail to find it. */
export class Tally {
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

export const sameSet = (a: Iterable<string>, b: Iterable<string>) => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
export const show = (values: Iterable<string>) => `[${[...values].sort().join(', ')}]`;
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

export const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export interface Figures {
  interactionsByKind: { kind: Kind; count: number }[];
  thankYouGaps: number;
  thankYouWithin24h: number | null;
  thankYouWithin48h: number | null;
  medianHoursToThankYou: number | null;
  openGaps: number;
  overdueGaps: number;
}

export interface MissingFilter {
  advisorExternalId?: string;
  urgency?: string[];
  kinds?: Kind[];
  graduationYear?: number;
}

export interface Walk {
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
export const walk = (filter: MissingFilter | null, first = 2, foreignCursor: string | null = null): Walk => ({
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

/** A gap or interaction outside a viewer's scope, which the viewer aims a mutation at. */
export interface OutsideTarget {
  where: string;
  /** An open gap of the student (dismiss, snooze), when it has one. */
  open?: RestGap;
  /** A resolved gap (dismiss: a CONFLICT would tell the gap exists). */
  resolved?: RestGap;
  /** An interaction (log), unless the same externalId names one the viewer does see. */
  interaction?: InteractionSeed;
}

export type AuthorizationOracle = ReturnType<typeof authorizationOracle>;

/** The oracle over one seeded world; its truth follows the world's (loadTruth after a mutation). */
export function authorizationOracle({ t, centers, viewers, restGaps, restList }: AuthorizationWorld) {
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
  const viewer = (label: string) => viewers.find((v) => v.label === label)!;
  const allAdvisorIds = () => [...centers.A.advisors, ...centers.B.advisors].map((a) => a.externalId);
  const allStudentIds = () => [
    ...new Set([...centers.A.students, ...centers.B.students].map((s) => s.externalId)),
    'no-such-student',
  ];

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

  // ---- studentsMissingFollowUps ------------------------------------------------------------------------------

  /** Every filter the walks try: each advisor of both centers, each urgency and kind, years, combinations. */
  const missingFilters = (): MissingFilter[] => [
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

  /** studentsMissingFollowUps with no filter (pages of 2 and of 1), then every filter, walked to the end. */
  const walkEveryFilter = (tally: Tally, v: Viewer) =>
    walkMissing(tally, v, [walk(null), walk({}, 1), ...missingFilters().map((f) => walk(f))]);

  /** A cursor is no key: another viewer continuing from a director's page still sees only its own scope. */
  async function walkFromForeignCursor(tally: Tally): Promise<void> {
    const director = viewer('A:A-dir(director)');
    const first = walk(null);
    await walkMissing(tally, director, [first]);
    expect(first.firstCursor).not.toBeNull();
    await Promise.all(viewers.map((v) => walkMissing(tally, v, [walk(null, 2, first.firstCursor)])));
  }

  // ---- student ----------------------------------------------------------------------------------------------

  /** student(externalId) for every student of both centers (and the erased one, and an unknown one). */
  async function readEveryStudent(tally: Tally, v: Viewer): Promise<void> {
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
  }

  // ---- auditLog ---------------------------------------------------------------------------------------------

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

  // ---- mutations --------------------------------------------------------------------------------------------

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

  /** A mutation outside the scope: HTTP 200 with one NOT_FOUND error and no data. */
  const expectNotFound = (tally: Tally, where: string, response: GraphqlResponse) =>
    tally.check(
      response.status === 200 &&
        response.errors?.length === 1 &&
        response.errors[0].extensions?.code === 'NOT_FOUND' &&
        !response.data,
      () =>
        `${where}: expected NOT_FOUND, got ${JSON.stringify(response.data)} ${JSON.stringify(response.errors)}`,
    );

  /**
   * What the n-th viewer aims at outside its scope: for every student outside it, an open gap (dismiss,
   * snooze), a resolved gap (dismiss: a CONFLICT would tell the gap exists) and an interaction (log); and the
   * erased students' gaps, which are nobody's any more, not even the director's. Which gap and interaction of
   * a student rotates with the viewer, so the viewers together aim at all of them.
   */
  function outsideScope(
    v: Viewer,
    n: number,
  ): { students: OutsideTarget[]; erasedGaps: { key: CenterKey; id: string }[] } {
    const pick = <T>(items: T[]) => (items.length ? items[n % items.length] : undefined);
    const students: OutsideTarget[] = [];
    const erasedGaps: { key: CenterKey; id: string }[] = [];
    for (const key of ['A', 'B'] as const) {
      // The other center's students are split among the viewers (each is aimed at by four of them):
      // there one condition (the center) is at work, in the own center the caseload.
      const targets = live(key).filter(
        (s, index) => !visible(v, s) && (key === v.center || (index + n) % 3 === 0),
      );
      for (const s of targets) {
        const gaps = centers[key].gaps.get(s.externalId)!;
        students.push({
          where: `${v.label} → ${key}:${s.externalId}`,
          open: pick(gaps.filter((g) => g.state === 'OPEN')),
          resolved: pick(gaps.filter((g) => g.state !== 'OPEN')),
          // The same externalId in the viewer's own center may name an interaction it does see.
          interaction: pick(
            s.interactions.filter(
              (i) =>
                !live(v.center).some(
                  (x) => visible(v, x) && x.interactions.some((y) => y.externalId === i.externalId),
                ),
            ),
          ),
        });
      }
      erasedGaps.push(...centers[key].erasedGapIds.map((id) => ({ key, id })));
    }
    return { students, erasedGaps };
  }

  const openGapOf = (key: CenterKey, studentExternalId: string) =>
    centers[key].gaps.get(studentExternalId)!.find((g) => g.state === 'OPEN')!;

  return {
    live,
    visible,
    inScope,
    openGaps,
    expectedFigures,
    compareFigures,
    ok,
    viewer,
    allAdvisorIds,
    allStudentIds,
    walkEveryFilter,
    walkFromForeignCursor,
    readEveryStudent,
    walkAudit,
    checkAuditRows,
    snapshot,
    diff,
    expectNotFound,
    outsideScope,
    openGapOf,
  };
}
