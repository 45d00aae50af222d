/**
 * What each operation does, for readers of the document and of clients generated from it, by operationId
 * (operation-ids.ts). A controller's own `@ApiOperation({ description })` wins; an operation with neither
 * fails start-up, as one without an operationId does.
 */

const RESOURCE = (one: string, many: string, extra = ''): Record<string, string> => ({
  [`upsert${one}`]:
    `Creates the ${one.toLowerCase()} with this externalId, or replaces all its fields: 201 when created, 200 ` +
    `when it existed (the body is the stored resource either way).${extra}`,
  [`get${one}`]: `The stored ${one.toLowerCase()}, or 404 when this center has none with this externalId.`,
  [`list${many}`]:
    `The center's ${many.toLowerCase()} by externalId, \`limit\` at a time; pass the answer's \`nextCursor\` ` +
    'as `cursor` for the next page (null on the last). A walk never skips or repeats an item.',
  [`bulkUpsert${many}`]:
    `Upserts up to 1000 ${many.toLowerCase()}, each item the PUT body plus its \`externalId\`. Each item is ` +
    'validated and stored on its own: the answer has one result per item, in input order, and a bad item ' +
    'fails alone (its result carries the problem). An externalId repeated in the batch is stored once.',
});

export const OPERATION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  ...RESOURCE('Advisor', 'Advisors'),
  ...RESOURCE('Student', 'Students', ' The advisor must exist in this center (else 422).'),
  ...RESOURCE('Company', 'Companies'),
  ...RESOURCE('Contact', 'Contacts', ' The company in the path must exist in this center.'),
  ...RESOURCE(
    'Interaction',
    'Interactions',
    " The student, company and contacts must exist in this center; the student's follow-ups are replanned.",
  ),
  ...RESOURCE('FollowUp', 'FollowUps', ' Logging a follow-up satisfies the gap it answers.'),
  checkLiveness: 'Answers 200 while the process runs. For liveness probes; needs no key.',
  checkReadiness:
    'Answers 200 when the database and the queue answer, else 503 naming what is down. For readiness probes.',
  listStudentGaps:
    "The student's follow-up gaps (missing thank-yous and check-ins), most urgent first, with the nudges " +
    'sent and planned for each. Urgency is computed at request time.',
  listReminders:
    "The center's reminders by scheduled time, each with its items and `why` (the rule, anchor, time zone, " +
    'quiet-hours shift and spacing decision that placed it). Filter by student or status.',
  listPolicies:
    'The follow-up policy of every interaction kind (SPEC defaults until set) and the last recompute a policy ' +
    'change started.',
  upsertPolicy:
    "Sets the policy of one interaction kind. The center's open gaps are recomputed in the background; the " +
    'answer carries that recompute (poll `getCenterRecompute`).',
  requestCenterRecompute:
    "Replans every student of the center in the background (admin key). Poll the answer's status resource.",
  getCenterRecompute: "How far the center's last recompute got (admin key).",
  createWebhookEndpoint:
    'Registers a URL for the given event types. The answer carries the signing secret, shown only here. The ' +
    'URL must resolve to a public address unless the operator allows private networks.',
  listWebhookEndpoints: "The center's webhook endpoints, a page at a time.",
  getWebhookEndpoint: 'One webhook endpoint, with why it was disabled if it was.',
  deleteWebhookEndpoint: 'Deletes the endpoint; pending deliveries to it are not sent.',
  enableWebhookEndpoint:
    'Enables a disabled endpoint again: pending deliveries go out at their next attempt; failed ones can be ' +
    'redelivered.',
  rotateWebhookEndpointSecret:
    'Issues a new signing secret, shown only here. For 24 hours deliveries carry signatures with both secrets.',
  listWebhookDeliveries:
    "The center's deliveries with every attempt (time, status code, latency, error), a page at a time.",
  getWebhookDelivery: 'One delivery with every attempt.',
  redeliverWebhookDelivery:
    'Sends a delivery again with the same webhook-id (409 while its endpoint is disabled, 410 when its ' +
    'student was erased).',
  createCenter:
    "Creates a career center (admin key). The answer carries the center's first API key, shown only here.",
  issueApiKey: 'Issues another API key for the calling center (for rotation); shown only in this answer.',
  listApiKeys: "The center's API keys (their non-secret prefixes), a page at a time.",
  revokeApiKey: "Revokes a key at once. The center's last key cannot be revoked (409).",
  eraseStudent: "Erases the student's personal data (docs/security.md). Cannot be undone.",
  deleteInteraction: 'Deletes the interaction; the engine plans no more follow-ups for it.',
};

/** Tag descriptions, for the navigation of generated docs. */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  health: 'Liveness and readiness probes',
  centers: 'Career centers (admin) and their recomputes',
  'api-keys': "A center's API keys",
  advisors: 'Career advisors, synced from the portal',
  students: 'Students, synced from the portal',
  companies: 'Companies, synced from the portal',
  contacts: "A company's contacts",
  interactions: 'Meetings between students and employers',
  'follow-ups': 'Logged follow-ups, the gaps and reminders the engine plans, and its policies',
  webhooks: 'Webhook endpoints and deliveries',
};
