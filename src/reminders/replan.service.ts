import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { transactionWithRetry } from '../database/transaction.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import { RemindersRepository } from './reminders.repository.js';

const REMINDERS_PER_BATCH = 500;
const BATCHES_PER_RUN = 10;

/**
 * Errors that say nothing about the students being replanned (a deadlock or serialization failure left after
 * retries, a lock timeout, the connection or the server going away, resources): the next sweep tries again.
 * Anything else (a rule or write failing on one student's data) would fail the same way on every run.
 */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('E')) return true; // Node.js network errors: ECONNRESET, EPIPE, ...
  return code === '55P03' || ['08', '40', '53', '57', '58'].includes(code.slice(0, 2));
}

interface Done {
  students: number;
  reminders: number;
}

/**
 * A reminder that went out changes what comes next: the gap's second nudge, a second check-in 7 days after the
 * first was nudged. The rules plan one nudge per gap at a time and count a FAILED reminder as a spent nudge just
 * like a SENT one (student-facts.repository.ts), so the student of every SENT or FAILED reminder is recomputed
 * once, in batches, by the sweep. No hurry is lost by not doing it at send time: the no-nagging rule keeps the
 * next reminder at least 4 hours away, and doing it off the send path keeps dispatch fast.
 */
@Injectable()
export class ReplanService {
  private readonly logger = new Logger(ReplanService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gaps: GapsService,
    private readonly reminders: RemindersRepository,
  ) {}

  /** Recomputes the students of spent, not yet replanned reminders; returns how many students. */
  async replanAfterSends(): Promise<number> {
    let students = 0;
    for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
      let done: Done;
      try {
        done = await transactionWithRetry(this.dataSource, (manager) => this.replan(manager, null));
      } catch (error) {
        if (isTransient(error)) throw error;
        // One student's data fails the rules or a write the same way on every run, and with it the whole
        // batch: redo the batch one student at a time, so only that student is skipped.
        done = await this.replanOneByOne();
      }
      students += done.students;
      if (done.reminders < REMINDERS_PER_BATCH) break;
    }
    return students;
  }

  /** Picks spent reminders not yet replanned (of one student, or any), marks them and recomputes their students. */
  private async replan(manager: EntityManager, studentId: string | null): Promise<Done> {
    const centers = await this.reminders.markSpentReplanned(manager, REMINDERS_PER_BATCH, studentId);
    for (const center of centers)
      await this.gaps.recomputeStudents(manager, center.center_id, center.student_ids);
    return {
      students: centers.reduce((sum, center) => sum + center.student_ids.length, 0),
      reminders: centers.reduce((sum, center) => sum + center.reminders, 0),
    };
  }

  /** The next batch, one student per transaction; a student that fails for good is marked and skipped. */
  private async replanOneByOne(): Promise<Done> {
    const students = await this.reminders.studentsToReplan(REMINDERS_PER_BATCH);
    const done: Done = { students: 0, reminders: 0 };
    for (const { center_id: centerId, student_id: studentId } of students) {
      try {
        const one = await transactionWithRetry(this.dataSource, (manager) => this.replan(manager, studentId));
        done.students += one.students;
        done.reminders += one.reminders;
      } catch (error) {
        if (isTransient(error)) throw error;
        await this.reminders.ping(); // the database is there: the error is this student's
        const reminders = await this.reminders.skipReplanOf(studentId);
        done.reminders += reminders;
        this.logger.error({ err: error, centerId, studentId }, 'replanning a student failed; skipped');
      }
    }
    return done;
  }
}
