import { Injectable } from '@nestjs/common';
import type { Viewer } from '../auth/viewer.js';
import { badUserInput } from '../graphql-errors.js';
import { InteractionKind } from '../models/enums.js';
import type { FollowUpStatsFilter } from '../models/inputs.js';
import type { AdvisorFollowUpFigures, FollowUpFigures, FollowUpStats } from '../models/stats.model.js';
import { FollowUpStatsRepository, type StatsRow } from './follow-up-stats.repository.js';

const KINDS = Object.values(InteractionKind);
const MAX_RANGE_DAYS = 800;

/** followUpStats: computed in SQL over the viewer's scope; per advisor only for directors. */
@Injectable()
export class FollowUpStatsService {
  constructor(private readonly repository: FollowUpStatsRepository) {}

  async stats(viewer: Viewer, filter: FollowUpStatsFilter, now: Date): Promise<FollowUpStats> {
    const { from, to } = filter;
    if (!(from < to)) throw badUserInput('from must be before to.', 'filter.from');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000)
      throw badUserInput(`The range may span at most ${MAX_RANGE_DAYS} days.`, 'filter.to');
    const rows = await this.repository.rows(viewer, filter.advisorExternalId ?? null, from, to, now);
    const total = rows.find((r) => r.isTotal);
    const perAdvisor: AdvisorFollowUpFigures[] =
      viewer.role === 'director'
        ? rows
            .filter((r) => !r.isTotal && r.advisorId !== null)
            .map((r) => ({ ...figures(r), advisorId: r.advisorId! }))
        : [];
    return { from, to, ...figures(total), perAdvisor };
  }
}

function figures(row: StatsRow | undefined): FollowUpFigures {
  const share = (n: number) => (row && row.thankYouGaps > 0 ? n / row.thankYouGaps : null);
  return {
    interactionsByKind: KINDS.map((kind) => ({ kind, count: row?.[kind] ?? 0 })),
    thankYouGaps: row?.thankYouGaps ?? 0,
    thankYouWithin24h: share(row?.within24 ?? 0),
    thankYouWithin48h: share(row?.within48 ?? 0),
    medianHoursToThankYou: row?.median ?? null,
    openGaps: row?.openGaps ?? 0,
    overdueGaps: row?.overdueGaps ?? 0,
  };
}
