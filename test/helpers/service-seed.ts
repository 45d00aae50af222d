import { DataSource } from 'typeorm';
import type { UpsertOutcome } from '../../src/common/bulk.js';
import { CentersService } from '../../src/centers/centers.service.js';
import { AdvisorsService } from '../../src/directory/advisors.service.js';
import { CompaniesService } from '../../src/directory/companies.service.js';
import { ContactsService } from '../../src/directory/contacts.service.js';
import { StudentsService } from '../../src/directory/students.service.js';
import { InteractionsService } from '../../src/interactions/interactions.service.js';
import { WebhookEndpointsService } from '../../src/webhooks/webhook-endpoints.service.js';
import { advisorBody, companyBody, contactBody } from './fixtures.js';
import type { ServiceModule } from './service-module.js';
import { middayZone } from './webhook-receiver.js';

/**
 * Seeding for tests on a ServiceModule, through the services the REST controllers call (no HTTP), and the
 * rows those tests read back.
 */

export interface ServiceCenter {
  id: string;
  /** The center's endpoint subscribed to reminders, with its signing secret. */
  endpoint: { id: string; secret: string };
}

const expectWritten = (outcomes: UpsertOutcome[]) =>
  expect(outcomes.map((outcome) => outcome.status)).toEqual(outcomes.map(() => 'created'));

/**
 * A new center whose endpoint at `url` subscribes to reminders, with advisor adv-1 and company cmp-1 with its
 * contact ct-1 (山田, 人事部): what dispatchCenter seeds through REST.
 */
export async function serviceCenter(m: ServiceModule, url: string): Promise<ServiceCenter> {
  const center = await m.module.get(CentersService).create('テスト大学 キャリアセンター', 'Asia/Tokyo');
  const endpoint = await m.module
    .get(WebhookEndpointsService)
    .create(center.id, { url, eventTypes: ['followup.reminder'] });
  expectWritten(
    await m.module.get(AdvisorsService).upsertMany(center.id, [{ externalId: 'adv-1', ...advisorBody }]),
  );
  expectWritten(
    await m.module.get(CompaniesService).upsertMany(center.id, [{ externalId: 'cmp-1', ...companyBody }]),
  );
  await m.module
    .get(ContactsService)
    .put(center.id, 'cmp-1', 'ct-1', { ...contactBody, name: '山田', title: '人事部' });
  return { id: center.id, endpoint: { id: endpoint.id, secret: endpoint.secret } };
}

/**
 * Student `externalId` of adv-1 (in a zone where it is about midday now, so quiet hours move nothing) who had an
 * interview at cmp-1 at `occurredAt`; the engine has planned its reminders when this returns. Returns its
 * first reminder (the earliest scheduled).
 */
export async function interviewedStudent(
  m: ServiceModule,
  centerId: string,
  externalId: string,
  occurredAt: Date,
): Promise<ReminderRow> {
  expectWritten(
    await m.module.get(StudentsService).upsertMany(centerId, [
      {
        externalId,
        name: '山田 太郎',
        email: `${externalId}@student.example.ac.jp`,
        locale: 'ja',
        timezone: middayZone(),
        advisorExternalId: 'adv-1',
        graduationYear: 2027,
      },
    ]),
  );
  expectWritten(
    await m.module.get(InteractionsService).upsertMany(centerId, [
      {
        externalId: `${externalId}-int`,
        studentExternalId: externalId,
        companyExternalId: 'cmp-1',
        kind: 'INTERVIEW',
        occurredAt: occurredAt.toISOString(),
        contactExternalIds: ['ct-1'],
        notes: '海外研修制度',
      },
    ]),
  );
  const [first] = await remindersOf(m, centerId, externalId);
  expect(first).toBeDefined();
  return first;
}

export interface ReminderRow {
  id: string;
  status: string;
  scheduled_at: Date;
  dispatched_at: Date | null;
  cancel_reason: string | null;
}

/** The student's reminders, earliest first. */
export function remindersOf(m: ServiceModule, centerId: string, externalId: string): Promise<ReminderRow[]> {
  return m.module.get(DataSource).query(
    `SELECT r.id, r.status, r.scheduled_at, r.dispatched_at, r.cancel_reason
     FROM reminders r JOIN students s ON s.id = r.student_id
     WHERE r.center_id = $1 AND s.external_id = $2 ORDER BY r.scheduled_at, r.id`,
    [centerId, externalId],
  );
}

export async function reminder(m: ServiceModule, id: string): Promise<ReminderRow> {
  const [row] = await m.module
    .get(DataSource)
    .query<ReminderRow[]>(
      `SELECT id, status, scheduled_at, dispatched_at, cancel_reason FROM reminders WHERE id = $1`,
      [id],
    );
  return row;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  message_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  claimed_until: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  /** Its attempts, in order. */
  logged: { status_code: number | null; error: string | null; attempted_at: string }[];
}

/** The deliveries written for a reminder, with their attempts. */
export function deliveriesOf(m: ServiceModule, reminderId: string): Promise<DeliveryRow[]> {
  return m.module.get(DataSource).query(
    `SELECT d.id, d.endpoint_id, d.message_id, d.status, d.attempts, d.next_attempt_at, d.claimed_until,
            d.last_status_code, d.last_error,
            coalesce((SELECT json_agg(json_build_object('status_code', a.status_code, 'error', a.error,
                                                        'attempted_at', a.attempted_at) ORDER BY a.id)
                      FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS logged
     FROM webhook_deliveries d WHERE d.reminder_id = $1 ORDER BY d.created_at, d.id`,
    [reminderId],
  );
}

export interface EndpointRow {
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
}

export async function endpoint(m: ServiceModule, id: string): Promise<EndpointRow> {
  const [row] = await m.module
    .get(DataSource)
    .query<EndpointRow[]>(
      `SELECT disabled_at, disabled_reason, failing_since FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
  return row;
}
