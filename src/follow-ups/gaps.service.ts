import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * THE SEAM for the follow-up engine. Every write that can change a student's follow-up obligations (an
 * interaction or follow-up created, changed or deleted; a student's time zone, advisor or opt-out changed;
 * a student erased) calls `recomputeStudents` inside the same transaction, with the affected students' ids.
 * The rules (gaps, nudges, drafts) are not built yet: this is where they plug in.
 */
@Injectable()
export class GapsService {
  async recomputeStudents(
    _manager: EntityManager,
    _centerId: string,
    _studentIds: readonly string[],
  ): Promise<void> {
    // Intentionally empty until the follow-up engine lands.
  }
}
