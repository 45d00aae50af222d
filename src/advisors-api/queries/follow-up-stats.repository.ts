import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { caseloadCondition, type Viewer } from '../auth/viewer.js';
import { InteractionKind } from '../models/enums.js';
import { PER_ADVISOR } from '../models/list-size.js';

const KINDS = Object.values(InteractionKind);

/**
 * One statement: per interaction that ended in the range (its thank-you gap, first thank-you follow-up, and
 * gaps open now), then aggregated for the whole scope and per advisor with GROUPING SETS. Deleted
 * interactions (an erased student's included) no longer count.
 * $1 center · $2 caseload advisor id · $3 advisorExternalId filter · $4 from · $5 to · $6 now
 */
const STATS_SQL = `
WITH per_interaction AS (
  SELECT i.kind, s.advisor_id, coalesce(i.ended_at, i.occurred_at) AS ended,
         coalesce(gf.has_thank_you_gap, false) AS has_thank_you_gap,
         (SELECT min(f.sent_at) FROM follow_ups f
          WHERE f.interaction_id = i.id AND f.purpose = 'THANK_YOU' AND f.deleted_at IS NULL) AS first_thank_you,
         gf.open_gaps, gf.overdue_gaps
  FROM interactions i
  JOIN students s ON s.id = i.student_id
  -- The interaction's gaps, found through its student's (gaps_student_id_idx; gaps has no index by interaction).
  LEFT JOIN LATERAL (
    SELECT bool_or(g.purpose = 'THANK_YOU' AND g.state <> 'CLOSED') AS has_thank_you_gap,
           count(*) FILTER (WHERE g.state = 'OPEN' AND g.opens_at <= $6) AS open_gaps,
           count(*) FILTER (WHERE g.state = 'OPEN' AND g.overdue_at <= $6) AS overdue_gaps
    FROM gaps g WHERE g.student_id = i.student_id AND g.interaction_id = i.id
  ) gf ON true
  WHERE i.center_id = $1 AND i.deleted_at IS NULL AND ${caseloadCondition('$2')}
    AND ($3::text IS NULL OR s.advisor_id = (SELECT a.id FROM advisors a WHERE a.center_id = $1 AND a.external_id = $3))
    AND coalesce(i.ended_at, i.occurred_at) >= $4 AND coalesce(i.ended_at, i.occurred_at) < $5
)
SELECT advisor_id AS "advisorId", GROUPING(advisor_id) = 1 AS "isTotal",
       ${KINDS.map((k) => `count(*) FILTER (WHERE kind = '${k}')::int AS "${k}"`).join(', ')},
       count(*) FILTER (WHERE has_thank_you_gap)::int AS "thankYouGaps",
       count(*) FILTER (WHERE has_thank_you_gap AND first_thank_you <= ended + interval '24 hours')::int AS within24,
       count(*) FILTER (WHERE has_thank_you_gap AND first_thank_you <= ended + interval '48 hours')::int AS within48,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(extract(epoch FROM first_thank_you - ended) / 3600, 0))
         FILTER (WHERE has_thank_you_gap AND first_thank_you IS NOT NULL) AS median,
       coalesce(sum(open_gaps), 0)::int AS "openGaps", coalesce(sum(overdue_gaps), 0)::int AS "overdueGaps"
FROM per_interaction
GROUP BY GROUPING SETS ((), (advisor_id))`;

export type StatsRow = Record<InteractionKind, number> & {
  advisorId: string | null;
  isTotal: boolean;
  thankYouGaps: number;
  within24: number;
  within48: number;
  median: number | null;
  openGaps: number;
  overdueGaps: number;
};

/**
 * STATS_SQL cut to the total row and at most PER_ADVISOR.max advisors by externalId (perAdvisor shows its
 * `first`); exported with its parameters so the benchmark times exactly this statement.
 */
export const FOLLOW_UP_STATS_SQL = `SELECT x.* FROM (${STATS_SQL}) x LEFT JOIN advisors a ON a.id = x."advisorId"
WHERE x."isTotal" OR x."advisorId" IS NOT NULL
ORDER BY x."isTotal" DESC, a.external_id LIMIT ${PER_ADVISOR.max + 1}`;

export function followUpStatsParams(
  viewer: Pick<Viewer, 'centerId' | 'caseloadOf'>,
  advisorExternalId: string | null,
  from: Date,
  to: Date,
  now: Date,
): unknown[] {
  return [viewer.centerId, viewer.caseloadOf, advisorExternalId, from, to, now];
}

/** The figures of followUpStats, from SQL; nothing but the result rows reaches Node. */
@Injectable()
export class FollowUpStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  rows(
    viewer: Viewer,
    advisorExternalId: string | null,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<StatsRow[]> {
    return this.dataSource.query<StatsRow[]>(
      FOLLOW_UP_STATS_SQL,
      followUpStatsParams(viewer, advisorExternalId, from, to, now),
    );
  }
}
