import pg from 'pg';
import { generateApiKey } from '../src/centers/api-key.secret.js';
import { Progress, step } from './progress.js';

export const INTERACTIONS_PER_STUDENT = 10; // one seeding chunk each: 1,000,000 interactions at 100,000 students
export const ADVISORS = 300;
export const TYPICAL_ADVISOR = 'adv-150';
export const BIG_ADVISOR = 'adv-001';
const COMPANIES = 2000;
const bigCaseload = (students: number) => Math.round(students / 20); // 5,000 at 100,000 students

/**
 * Set-based seeding straight into the migrated tables, one interaction per student per chunk. Pseudo-random
 * but realistic: interactions over the past year (denser recently, 2 % scheduled in the next two weeks), gaps
 * OPEN / SATISFIED / DISMISSED / CLOSED with overdue instants in the past and future (so DUE, LATE and OVERDUE
 * all occur), reminders SENT or SCHEDULED for open gaps and some satisfied ones.
 */
export async function seedCenter(
  db: pg.Client,
  students: number,
): Promise<{ centerId: string; apiKey: string }> {
  const STUDENTS = students;
  const BIG_CASELOAD = bigCaseload(STUDENTS);
  step(
    `seeding a center of ${STUDENTS} students, ${ADVISORS} advisors (${BIG_ADVISOR}: ${BIG_CASELOAD} students), ` +
      `${STUDENTS * INTERACTIONS_PER_STUDENT} interactions with their gaps and reminders (not timed)`,
  );
  const progress = new Progress(`seeding ${students}`, 2 + INTERACTIONS_PER_STUDENT + 1);
  await db.query(`SET synchronous_commit = off`);
  await db.query(`SELECT setseed(0.42)`);
  const {
    rows: [center],
  } = await db.query<{ id: string }>(
    `INSERT INTO centers (name, timezone, created_at) VALUES ($1, 'Asia/Tokyo', now() - interval '2 years') RETURNING id`,
    [`bench-${STUDENTS}`],
  );
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (center_id, prefix, key_hash) VALUES ($1, $2, $3)`, [
    center.id,
    key.prefix,
    key.hash,
  ]);
  await db.query(
    `INSERT INTO advisors (center_id, external_id, name, email, timezone, created_at, updated_at)
     SELECT $1, 'adv-' || lpad(n::text, 3, '0'), '相談員' || n, 'adv' || n || '@example.ac.jp', 'Asia/Tokyo',
            now() - interval '2 years', now() - interval '2 years'
     FROM generate_series(1, $2::int) n`,
    [center.id, ADVISORS],
  );
  await db.query(
    `INSERT INTO companies (center_id, external_id, name, industry, created_at, updated_at)
     SELECT $1, 'cmp-' || n, '株式会社サンプル' || n, (ARRAY['IT', '製造', '金融', '商社', '公務'])[1 + n % 5],
            now() - interval '2 years', now() - interval '2 years'
     FROM generate_series(1, $2::int) n`,
    [center.id, COMPANIES],
  );
  // Student n: the big advisor has the first BIG_CASELOAD, the others share the rest round-robin; 1 in 500 is
  // an erased tombstone (external id and personal fields cleared).
  await db.query(
    `CREATE TEMP TABLE seed_students AS
     SELECT n, gen_random_uuid() AS id, n % 500 = 0 AS erased,
            CASE WHEN n <= $1 THEN 1 ELSE 2 + (n - $1 - 1) % ($2 - 1) END AS advisor_no
     FROM generate_series(1, $3::int) n`,
    [BIG_CASELOAD, ADVISORS, STUDENTS],
  );
  await db.query(`ALTER TABLE seed_students ADD PRIMARY KEY (n)`);
  await db.query(
    `INSERT INTO students (id, center_id, external_id, name, email, locale, timezone, advisor_id, graduation_year,
                           created_at, updated_at, erased_at)
     SELECT s.id, $1, CASE WHEN s.erased THEN NULL ELSE 'stu-' || s.n END,
            CASE WHEN s.erased THEN NULL ELSE '学生' || s.n END,
            CASE WHEN s.erased THEN NULL ELSE 's' || s.n || '@example.ac.jp' END,
            CASE WHEN s.n % 4 = 0 THEN 'en' ELSE 'ja' END, 'Asia/Tokyo', a.ids[s.advisor_no], 2026 + s.n % 4,
            now() - (400 + s.n % 300) * interval '1 day', now() - (s.n % 300) * interval '1 day',
            CASE WHEN s.erased THEN now() - interval '30 days' END
     FROM seed_students s CROSS JOIN (SELECT array_agg(id ORDER BY external_id) AS ids FROM advisors WHERE center_id = $1) a`,
    [center.id],
  );
  progress.update(2);

  for (let chunk = 0; chunk < INTERACTIONS_PER_STUDENT; chunk++) {
    await db.query(
      `CREATE TEMP TABLE seed_interactions AS
         SELECT r.id, r.student_id, r.n, r.erased, r.company_id, k.kind, t.occurred_at, t.occurred_at + k.length AS ended_at,
                r.r_state, r.r_check, r.r_outcome, r.r_delay
         FROM (
           -- random() in a subquery's select list is evaluated once per row (a lateral one without references is not)
           SELECT gen_random_uuid() AS id, s.id AS student_id, s.n, s.erased, c.ids[1 + floor(random() * $2)::int] AS company_id,
                  random() AS r_kind, random() AS r_when, random() AS r_age, random() AS r_state, random() AS r_check,
                  random() AS r_outcome, random() AS r_delay
           FROM seed_students s CROSS JOIN (SELECT array_agg(id) AS ids FROM companies WHERE center_id = $1) c
         ) r
         CROSS JOIN LATERAL (
           SELECT CASE WHEN r.r_kind < 0.25 THEN 'INTERVIEW' WHEN r.r_kind < 0.55 THEN 'INFO_SESSION'
                       WHEN r.r_kind < 0.75 THEN 'CAREER_FAIR' WHEN r.r_kind < 0.9 THEN 'NETWORKING' ELSE 'OTHER' END AS kind,
                  CASE WHEN r.r_kind < 0.25 THEN interval '1 hour' WHEN r.r_kind < 0.75 THEN interval '3 hours'
                       ELSE interval '2 hours' END AS length) k
         CROSS JOIN LATERAL (
           SELECT date_trunc('minute', CASE WHEN r.r_when < 0.02 THEN now() + r.r_age * interval '14 days'
                                            ELSE now() - power(r.r_age, 1.3) * interval '365 days' END) AS occurred_at) t`,
      [center.id, COMPANIES],
    );
    await db.query(
      `INSERT INTO interactions (id, center_id, external_id, student_id, company_id, kind, occurred_at, ended_at, outcome,
                                 created_at, updated_at)
       SELECT i.id, $1, 'int-' || i.n || '-' || $2::int, i.student_id, i.company_id, i.kind, i.occurred_at, i.ended_at,
              CASE WHEN i.kind = 'INTERVIEW' AND i.ended_at < now() - interval '21 days'
                   THEN (ARRAY['PASSED', 'REJECTED', 'OFFER', 'WITHDRAWN'])[1 + floor(i.r_outcome * 4)::int]
                   ELSE 'PENDING' END,
              least(i.occurred_at + interval '3 hours', now() - interval '10 minutes'),
              least(i.occurred_at + interval '3 hours', now() - interval '10 minutes')
       FROM seed_interactions i`,
      [center.id, chunk],
    );
    // Thank-you gaps (every kind but OTHER) and one check-in per interview, as the rules would derive them.
    await db.query(
      `CREATE TEMP TABLE seed_gaps AS
       SELECT g.*, CASE WHEN g.state = 'OPEN' THEN g.created_at
                        ELSE greatest(g.created_at, least(g.opens_at + g.r_delay * interval '2 days', now() - interval '1 minute'))
                   END AS updated_at
       FROM (
         SELECT gen_random_uuid() AS id, i.student_id, i.id AS interaction_id, 'THANK_YOU' AS purpose, i.ended_at AS opens_at,
                i.ended_at + CASE WHEN i.kind = 'CAREER_FAIR' THEN interval '48 hours' ELSE interval '24 hours' END AS ideal_by,
                i.ended_at + CASE i.kind WHEN 'INTERVIEW' THEN interval '48 hours' WHEN 'CAREER_FAIR' THEN interval '96 hours'
                                         ELSE interval '72 hours' END AS overdue_at,
                CASE WHEN i.erased THEN 'CLOSED'
                     WHEN i.ended_at > now() THEN 'OPEN'
                     WHEN i.ended_at > now() - interval '7 days' THEN CASE WHEN i.r_state < 0.6 THEN 'OPEN' ELSE 'SATISFIED' END
                     WHEN i.r_state < 0.05 THEN 'OPEN' WHEN i.r_state < 0.08 THEN 'DISMISSED'
                     WHEN i.r_state < 0.14 THEN 'CLOSED' ELSE 'SATISFIED' END AS state,
                least(i.occurred_at + interval '3 hours', now() - interval '10 minutes') AS created_at, i.r_delay,
                i.r_check
         FROM seed_interactions i WHERE i.kind <> 'OTHER'
         UNION ALL
         SELECT gen_random_uuid(), i.student_id, i.id, 'CHECK_IN', i.ended_at + interval '7 days',
                i.ended_at + interval '9 days', i.ended_at + interval '14 days',
                CASE WHEN i.erased THEN 'CLOSED'
                     WHEN i.ended_at < now() - interval '21 days' THEN CASE WHEN i.r_check < 0.5 THEN 'SATISFIED' ELSE 'CLOSED' END
                     WHEN i.ended_at + interval '7 days' > now() OR i.r_check < 0.7 THEN 'OPEN' ELSE 'SATISFIED' END,
                least(i.occurred_at + interval '3 hours', now() - interval '10 minutes'), i.r_delay, i.r_check
         FROM seed_interactions i WHERE i.kind = 'INTERVIEW'
       ) g`,
    );
    await db.query(
      `INSERT INTO gaps (id, center_id, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state,
                         state_reason, created_at, updated_at, snoozed_until)
       SELECT g.id, $1, g.student_id, g.interaction_id, g.purpose, 1, g.opens_at, g.ideal_by, g.overdue_at, g.state,
              CASE g.state WHEN 'SATISFIED' THEN 'follow-up sent' WHEN 'DISMISSED' THEN 'not needed'
                           WHEN 'CLOSED' THEN 'closed' END,
              g.created_at, g.updated_at,
              CASE WHEN g.state = 'OPEN' AND g.r_check > 0.97 THEN now() + interval '3 days' END
       FROM seed_gaps g`,
      [center.id],
    );
    // The follow-ups that satisfied the satisfied gaps, sent when they were satisfied (0–2 days after opening).
    await db.query(
      `INSERT INTO follow_ups (center_id, external_id, interaction_id, channel, sent_at, purpose, created_at, updated_at)
       SELECT $1, 'fu-' || g.id, g.interaction_id, 'EMAIL', g.updated_at, g.purpose, g.updated_at, g.updated_at
       FROM seed_gaps g WHERE g.state = 'SATISFIED'`,
      [center.id],
    );
    // Nudge 1 at opens_at + 3 h and nudge 2 at ideal_by for open thank-yous (SENT when past, else SCHEDULED);
    // nudge 1 SENT for a fifth of the satisfied ones.
    await db.query(
      `CREATE TEMP TABLE seed_reminders AS
       SELECT md5(g.id::text || ':' || n.nudge)::uuid AS id, g.id AS gap_id, g.student_id, n.nudge, n.at,
              CASE WHEN n.at <= now() THEN 'SENT' ELSE 'SCHEDULED' END AS status, g.created_at
       FROM seed_gaps g
       CROSS JOIN LATERAL (VALUES (1, g.opens_at + interval '3 hours'), (2, g.ideal_by)) n(nudge, at)
       WHERE g.purpose = 'THANK_YOU' AND (g.state = 'OPEN' OR (g.state = 'SATISFIED' AND g.r_delay < 0.2 AND n.nudge = 1))`,
    );
    await db.query(
      `INSERT INTO reminders (id, center_id, student_id, scheduled_at, status, why, sent_at, dispatched_at, created_at, updated_at)
       SELECT r.id, $1, r.student_id, r.at, r.status,
              jsonb_build_object('timezone', 'Asia/Tokyo', 'quietHours', NULL,
                                 'spacing', jsonb_build_object('decision', 'none', 'detail', ''),
                                 'items', jsonb_build_array(jsonb_build_object('gapId', r.gap_id, 'nudge', r.nudge,
                                   'rule', CASE r.nudge WHEN 1 THEN 'first nudge: end + PT3H' ELSE 'second nudge at idealBy' END,
                                   'anchor', r.at, 'dueAt', r.at))),
              CASE WHEN r.status = 'SENT' THEN r.at + interval '2 seconds' END,
              CASE WHEN r.status = 'SENT' THEN r.at END,
              r.created_at, CASE WHEN r.status = 'SENT' THEN r.at + interval '2 seconds' ELSE r.created_at END
       FROM seed_reminders r`,
      [center.id],
    );
    await db.query(
      `INSERT INTO reminder_items (reminder_id, gap_id, nudge) SELECT id, gap_id, nudge FROM seed_reminders`,
    );
    await db.query(`DROP TABLE seed_interactions, seed_gaps, seed_reminders`);
    progress.update(3 + chunk);
  }
  await db.query(`DROP TABLE seed_students`);
  progress.update(3 + INTERACTIONS_PER_STUDENT);
  return { centerId: center.id, apiKey: key.key };
}

/** After seeding: the state a live database is in, so no case is timed while PostgreSQL catches up. */
export async function settle(db: pg.Client): Promise<void> {
  // VACUUM too, as autovacuum does to a live database (it may be off on a development server, or start in the
  // middle of the measurements): index-only scans need the visibility map it sets.
  await db.query(`VACUUM (ANALYZE)`);
  // Write the seed's dirty pages out now, not while the cases run: a checkpoint flushing gigabytes behind the
  // audit rows' commits would time the disk, not the API.
  await db
    .query(`CHECKPOINT`)
    .catch(() => step('CHECKPOINT not allowed for this role: timings may include its flush'));
}
