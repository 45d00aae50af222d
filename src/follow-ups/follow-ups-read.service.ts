import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { decodeInstantIdCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../common/pagination.js';
import { notInCenter } from '../common/resource-repository.js';
import { urgencyAt } from './domain/gaps.js';
import { studentGapResources } from './gaps.repository.js';
import type { GapResource, ReminderQuery, ReminderResource } from './read.dto.js';
import { reminderPageRows } from './reminders.repository.js';
import { studentIdOf } from './student-facts.repository.js';

/** What the portal reads back: a student's gaps (urgency at request time) and reminders with their why. */
@Injectable()
export class FollowUpsReadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async gapsOf(centerId: string, studentExternalId: string): Promise<GapResource[]> {
    const now = this.clock.now();
    const studentId = await studentIdOf(this.dataSource.manager, centerId, studentExternalId);
    if (!studentId) throw notInCenter('student', studentExternalId);
    const rows = await studentGapResources(this.dataSource.manager, centerId, studentId, now);
    return rows.map((row) => ({
      ...row,
      remindersSent: Number(row.remindersSent),
      urgency: row.state === 'OPEN' ? urgencyAt(row, now) : null,
    }));
  }

  /** Reminders by scheduled time (then id), filtered by student and status, as keyset pages. */
  async reminders(centerId: string, query: ReminderQuery): Promise<Page<ReminderResource>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeInstantIdCursor(query.cursor);
    const rows = await reminderPageRows(this.dataSource.manager, centerId, query, after, limit + 1);
    const page = toPage(rows, limit, (row) => row.externalId);
    return {
      items: page.items.map(({ externalId: _key, ...reminder }) => reminder),
      nextCursor: page.nextCursor,
    };
  }
}
