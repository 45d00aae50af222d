import { MAX_ALIASES, MAX_COST } from '../../src/advisors-api/graphql-hardening.js';

/**
 * The GraphQL documents of the advisor API authorization matrix (test/advisor-authorization/): every query
 * batched as aliased copies within the API's alias and cost limits, and the three mutations.
 */

/**
 * Aliased fields per request, within the API's alias and cost limits: the cost of one aliased field of each
 * document below (measured: nested lists at their default `first`, pages of at most 2, perAdvisor at 100),
 * and of one audit row.
 */
const COST = { missing: 360, student: 5811, stats: 2522, auditRow: 7 };
const fit = (cost: number) => Math.max(1, Math.min(MAX_ALIASES, Math.floor((MAX_COST * 0.95) / cost)));
export const BATCH = {
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
export const missingQuery = (count: number) =>
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
export const studentQuery = (count: number) =>
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
export const statsQuery = (count: number) =>
  batched(
    'Stats',
    { f: 'FollowUpStatsFilter!' },
    (i) => `followUpStats(filter: $f${i}) { ...Stats }`,
    count,
    STATS_FRAGMENT,
  );

const AUDIT_FRAGMENT = `
fragment Page on AuditLogPage { entries { actor role studentExternalId operation } nextCursor }`;
export const auditQuery = (count: number, first: number) =>
  batched(
    'Audit',
    { s: 'String', a: 'String' },
    (i) => `auditLog(studentExternalId: $s${i}, first: ${first}, after: $a${i}) { ...Page }`,
    count,
    AUDIT_FRAGMENT,
  );

export const DISMISS = `mutation Dismiss($id: ID!) { dismissGap(id: $id, reason: "not in my scope") { id state } }`;
export const SNOOZE = `mutation Snooze($id: ID!, $until: DateTime!) { snoozeGap(id: $id, until: $until) { id state snoozedUntil } }`;
export const LOG = `mutation Log($input: LogFollowUpInput!) { logFollowUp(input: $input) { externalId interactionExternalId channel } }`;
