import { LOCALES } from '../directory/student.dto.js';
import { GAP_PURPOSES, GAP_URGENCIES, INTERACTION_KINDS } from '../follow-ups/domain/vocabulary.js';
import { EVENT_TYPES } from '../webhooks/webhook-endpoint.dto.js';
import { EXTERNAL_ID_FACTS, type Schema } from './openapi-limits.js';

/**
 * The webhooks the service POSTs (reminders/reminder-payload.ts and reminders/escalation.service.ts), as
 * OpenAPI 3.0 callbacks of `createWebhookEndpoint`: a receiver can generate types for them and validate what
 * it gets (test/openapi-webhooks.e2e-spec.ts validates real deliveries against these schemas).
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const instant: Schema = { type: 'string', format: 'date-time' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const text: Schema = { type: 'string' };
const externalId: Schema = { type: 'string', ...EXTERNAL_ID_FACTS };
/** Every object lists all it carries: a receiver can rely on exactly these fields (new ones come with a new version). */
const object = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
  additionalProperties: false,
});
const named = (description: string) => object({ externalId, name: text }, description);
const gapFields = {
  gapId: uuid,
  purpose: { type: 'string', enum: [...GAP_PURPOSES] },
  idealBy: instant,
  overdueAt: instant,
  interaction: object({
    externalId,
    kind: { type: 'string', enum: [...INTERACTION_KINDS] },
    occurredAt: instant,
  }),
  company: named('The company, as stored now'),
} satisfies Record<string, Schema>;

const envelope = (type: (typeof EVENT_TYPES)[number], data: string, description: string): Schema =>
  object(
    { type: { type: 'string', enum: [type] }, timestamp: instant, data: ref(data) },
    `${description} Signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).`,
  );

export const WEBHOOK_SCHEMAS: Record<string, Schema> = {
  ReminderWebhook: envelope('followup.reminder', 'ReminderWebhookData', 'A reminder that is due now.'),
  ReminderWebhookData: object({
    reminderId: uuid,
    center: object({ id: uuid }),
    student: object({
      externalId,
      name: text,
      email: { type: 'string', format: 'email' },
      locale: { type: 'string', enum: [...LOCALES] },
    }),
    items: { type: 'array', minItems: 1, items: ref('ReminderWebhookItem') },
  }),
  ReminderWebhookItem: object({
    ...gapFields,
    urgency: { type: 'string', enum: [...GAP_URGENCIES] },
    contacts: {
      type: 'array',
      items: object({ externalId, name: text, title: { type: 'string', nullable: true } }),
    },
    draft: object({ subject: text, text }, "A ready message in the student's locale"),
  }),
  EscalationWebhook: envelope(
    'followup.escalation',
    'EscalationWebhookData',
    "An advisor's daily digest of students whose gaps became OVERDUE.",
  ),
  EscalationWebhookData: object({
    center: object({ id: uuid }),
    advisor: object({ externalId, name: text, email: { type: 'string', format: 'email' } }),
    date: { type: 'string', format: 'date', description: "The advisor's local date of the digest" },
    students: { type: 'array', minItems: 1, items: ref('EscalationWebhookStudent') },
  }),
  EscalationWebhookStudent: object({
    externalId,
    name: text,
    email: { type: 'string', format: 'email' },
    gaps: {
      type: 'array',
      minItems: 1,
      items: object({ ...gapFields, urgency: { type: 'string', enum: ['OVERDUE'] } }),
    },
  }),
};

const signatureHeaders = [
  ['webhook-id', 'msg_…: the same on every retry and redelivery; deduplicate on it'],
  ['webhook-timestamp', 'Unix seconds when this attempt was signed'],
  ['webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256>` signatures (two while a secret rotates)'],
].map(([name, description]) => ({ name, in: 'header', required: true, description, schema: text }));

/** A callback per event type, POSTed to the `url` the endpoint was registered with. */
export function webhookCallbacks(): Record<string, unknown> {
  const callback = (schema: string, operationId: string, summary: string) => ({
    '{$request.body#/url}': {
      post: {
        operationId,
        summary,
        description:
          'Sent to every endpoint subscribed to the event type. Only a 2xx counts as received; failures are ' +
          'retried for about a day (docs/webhooks.md). Verify the signature before trusting the body.',
        parameters: signatureHeaders,
        // The service calls the receiver; the signature headers, not a scheme, authenticate it.
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: ref(schema) } } },
        responses: {
          '2XX': { description: 'Received; not sent again' },
          '410': { description: 'Gone: the service disables the endpoint and sends it nothing more' },
        },
      },
    },
  });
  return {
    'followup.reminder': callback('ReminderWebhook', 'receiveReminderWebhook', 'A reminder is due'),
    'followup.escalation': callback(
      'EscalationWebhook',
      'receiveEscalationWebhook',
      "An advisor's escalation digest",
    ),
  };
}
