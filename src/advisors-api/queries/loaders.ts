import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { urgencyAt } from '../../follow-ups/domain/gaps.js';
import type { Viewer } from '../auth/viewer.js';
import type { Advisor, Company, Contact, FollowUp, Interaction, Student } from '../models/directory.model.js';
import type { Gap, Reminder, ResolvedGap } from '../models/gap.model.js';
import { FIRST_ROWS_PER_STUDENT, ROWS_BY_ID } from './relations.repository.js';

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
    student: byId<Student>(ROWS_BY_ID.student, [viewer.caseloadOf]), // $3: only the caseload's students
    advisor: byId<Advisor>(ROWS_BY_ID.advisor),
    interaction: byId<Interaction>(ROWS_BY_ID.interaction),
    company: byId<Company>(ROWS_BY_ID.company),
    contact: byId<Contact>(ROWS_BY_ID.contact),
    interactionsOfStudent: manyBy<Interaction>(FIRST_ROWS_PER_STUDENT.interactionsOfStudent),
    followUpsOfStudent: manyBy<FollowUp>(FIRST_ROWS_PER_STUDENT.followUpsOfStudent),
    // $4: the instant the gaps' urgency is computed at.
    openGapsOfStudent: manyBy<Gap>(FIRST_ROWS_PER_STUDENT.openGapsOfStudent, [now], (row) =>
      withUrgency(row, now),
    ),
    resolvedGapsOfStudent: manyBy<ResolvedGap>(FIRST_ROWS_PER_STUDENT.resolvedGapsOfStudent),
    remindersOfStudent: manyBy<Reminder>(FIRST_ROWS_PER_STUDENT.remindersOfStudent),
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

/** A gap row with its urgency at `now`. */
export function withUrgency(row: Omit<Gap, 'urgency'>, now: Date): Gap {
  return { ...row, urgency: urgencyAt(row, now) };
}
