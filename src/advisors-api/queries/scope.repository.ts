import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { caseloadCondition, type Viewer } from '../auth/viewer.js';

/** Is this row in the viewer's scope (their caseload, or the center for a director)? Row ids, or null. */
@Injectable()
export class ScopeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async visibleStudentId(viewer: Viewer, externalId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `SELECT s.id FROM students s WHERE s.center_id = $1 AND s.external_id = $2 AND s.erased_at IS NULL
         AND ${caseloadCondition('$3')}`,
      [viewer.centerId, externalId, viewer.caseloadOf],
    );
    return row?.id ?? null;
  }

  async visibleInteractionId(viewer: Viewer, externalId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `SELECT i.id FROM interactions i JOIN students s ON s.id = i.student_id
       WHERE i.center_id = $1 AND i.external_id = $2 AND i.deleted_at IS NULL
         AND ${caseloadCondition('$3')}`,
      [viewer.centerId, externalId, viewer.caseloadOf],
    );
    return row?.id ?? null;
  }
}
