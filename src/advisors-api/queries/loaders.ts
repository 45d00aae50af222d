import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { urgencyAt } from '../../follow-ups/domain/gaps.js';
import { REMINDER_COLUMNS } from '../../follow-ups/reminders.repository.js';
import { caseloadCondition, type Viewer } from '../auth/viewer.js';
import type { Advisor, Company, Contact, FollowUp, Interaction, Student } from '../models/directory.model.js';
import type { Gap, Reminder, ResolvedGap } from '../models/gap.model.js';
import {
  ADVISOR_COLUMNS,
  COMPANY_COLUMNS,
  INTERACTION_COLUMNS,
  openGapsSql,
  STUDENT_COLUMNS,
} from './row-columns.sql.js';

type Row<T> = T & { key: string };

/**
 * Per-request batch loaders for every nested relation, so a page of any size costs a fixed number of
 * statements. Each one is scoped to the viewer's center; the student loader also to their caseload, and the
 * per-student child loaders are only ever called for students a scoped query returned, so a relation can
 * never reach a row the root query could not.
 */
export function createLoaders(dataSource: DataSource, viewer: Viewer, now: Date) {
  const center = viewer.centerId;

  /** One row per key (by id). */
  const byId = <T>(sql: string, extra: unknown[] = []) =>
    new RowLoader<T>(
      new DataLoader<string, T | null>(async (ids) => {
        const rows = await dataSource.query<Row<T>[]>(sql, [center, ids, ...extra]);
        const found = new Map(rows.map((row) => [row.key, row]));
        return ids.map((id) => found.get(id) ?? null);
      }),
    );
  /**
   * Several rows per key (children of a parent), at most `first` per key, in the order the SQL gives. The SQL
   * takes $1 center, $2 keys, $3 first (to cut each key's rows with a window function) and then `extra`; one
   * batch loader per `first` asked for in the request.
   */
  const manyBy = <T>(sql: string, extra: unknown[] = [], map: (row: Row<T>) => T = (row) => row) => {
    const bySize = new Map<number, DataLoader<string, T[]>>();
    return (first: number): DataLoader<string, T[]> => {
      let loader = bySize.get(first);
      if (!loader) {
        loader = new DataLoader<string, T[]>(async (keys) => {
          const rows = await dataSource.query<Row<T>[]>(sql, [center, keys, first, ...extra]);
          const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
          for (const row of rows) grouped.get(row.key)?.push(map(row));
          return keys.map((key) => grouped.get(key)!);
        });
        bySize.set(first, loader);
      }
      return loader;
    };
  };

  return {
    student: byId<Student>(
      `SELECT s.id AS key, ${STUDENT_COLUMNS}
       FROM students s WHERE s.center_id = $1 AND s.id = ANY($2::uuid[]) AND s.erased_at IS NULL
         AND ${caseloadCondition('$3')}`,
      [viewer.caseloadOf],
    ),
    advisor: byId<Advisor>(
      `SELECT a.id AS key, ${ADVISOR_COLUMNS} FROM advisors a WHERE a.center_id = $1 AND a.id = ANY($2::uuid[])`,
    ),
    interaction: byId<Interaction>(`${INTERACTIONS} AND i.id = ANY($2::uuid[])`),
    company: byId<Company>(
      `SELECT c.id AS key, ${COMPANY_COLUMNS} FROM companies c WHERE c.center_id = $1 AND c.id = ANY($2::uuid[])`,
    ),
    contact: byId<Contact>(
      `SELECT id AS key, id, external_id AS "externalId", name, name_latin AS "nameLatin", title
       FROM contacts WHERE center_id = $1 AND id = ANY($2::uuid[])`,
    ),
    interactionsOfStudent: manyBy<Interaction>(
      firstPerKey(
        `${INTERACTIONS.replace('i.id AS key', 'i.student_id AS key')} AND i.student_id = ANY($2::uuid[])`,
        'i.student_id',
        'i.occurred_at DESC, i.id',
      ),
    ),
    followUpsOfStudent: manyBy<FollowUp>(
      firstPerKey(
        `SELECT i.student_id AS key, f.external_id AS "externalId", i.external_id AS "interactionExternalId",
                f.channel, f.sent_at AS "sentAt", f.purpose, f.note
         FROM follow_ups f JOIN interactions i ON i.id = f.interaction_id
         WHERE f.center_id = $1 AND i.student_id = ANY($2::uuid[]) AND f.deleted_at IS NULL`,
        'i.student_id',
        'f.sent_at DESC, f.id',
      ),
    ),
    openGapsOfStudent: manyBy<Gap>(
      `SELECT * FROM (SELECT x."studentId" AS key, x.*, row_number() OVER (PARTITION BY x."studentId" ORDER BY x."overdueAt", x.id) AS rank
                      FROM (${OPEN_GAPS}) x) y
       WHERE y.rank <= $3 ORDER BY y.rank`,
      [now],
      (row) => withUrgency(row, now),
    ),
    resolvedGapsOfStudent: manyBy<ResolvedGap>(
      firstPerKey(
        `SELECT g.student_id AS key, g.id, g.interaction_id AS "interactionId", g.purpose, g.state,
                g.state_reason AS reason, g.ideal_by AS "idealBy", g.overdue_at AS "overdueAt", g.updated_at AS "resolvedAt"
         FROM gaps g WHERE g.center_id = $1 AND g.student_id = ANY($2::uuid[]) AND g.state <> 'OPEN'`,
        'g.student_id',
        'g.updated_at DESC, g.id',
      ),
    ),
    remindersOfStudent: manyBy<Reminder>(
      firstPerKey(
        `SELECT r.student_id AS key, ${REMINDER_COLUMNS}
         FROM reminders r WHERE r.center_id = $1 AND r.student_id = ANY($2::uuid[])`,
        'r.student_id',
        'r.scheduled_at DESC, r.id',
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * A batch loader by id that also holds the rows a root query already returned (`prime`). Those resolve at
 * once, as values: graphql-js then completes the field without a promise, which for a page of 100 students
 * with their gaps, interactions and companies is most of the work of resolving it.
 */
export class RowLoader<T> {
  private readonly primed = new Map<string, T>();

  constructor(private readonly batch: DataLoader<string, T | null>) {}

  prime(id: string, row: T): void {
    this.primed.set(id, row);
  }

  /** The row: at once when primed, else batched with the other loads of the same tick. */
  get(id: string): T | null | Promise<T | null> {
    return this.primed.get(id) ?? this.batch.load(id);
  }

  getMany(ids: readonly string[]): Promise<(T | null | Error)[]> {
    return this.batch.loadMany(ids);
  }
}

const INTERACTIONS = `SELECT i.id AS key, ${INTERACTION_COLUMNS} FROM interactions i WHERE i.center_id = $1 AND i.deleted_at IS NULL`;
const OPEN_GAPS = openGapsSql({
  center: '$1',
  students: 'g.student_id = ANY($2::uuid[])',
  at: '$4',
  urgencies: 'NULL',
  kinds: 'NULL',
});

/**
 * `select` (its first column `key`, the parent) cut to the first $3 rows of each parent in `order`: a window
 * function, so one statement serves a whole batch of parents and none returns more than asked.
 */
function firstPerKey(select: string, parent: string, order: string): string {
  const ranked = select.replace(
    /^\s*SELECT /,
    `SELECT row_number() OVER (PARTITION BY ${parent} ORDER BY ${order}) AS rank, `,
  );
  return `SELECT * FROM (${ranked}) x WHERE x.rank <= $3 ORDER BY x.rank`;
}

/** A gap row with its urgency at `now`. */
export function withUrgency(row: Omit<Gap, 'urgency'>, now: Date): Gap {
  return { ...row, urgency: urgencyAt(row, now) };
}
