import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { InteractionKind } from '../models/enums.js';
import { PER_ADVISOR } from '../models/list-size.js';

const KINDS = Object.values(InteractionKind);

/** The scope, on a row `x` carrying the student's advisor (interaction_figures, gaps). */
const IN_SCOPE = (x: string) => `
    ($2::uuid IS NULL OR ${x}.advisor_id = $2::uuid)
    AND ($3::text IS NULL OR ${x}.advisor_id = (SELECT a.id FROM advisors a WHERE a.center_id = $1 AND a.external_id = $3))`;

/**
 * One statement over figures kept with the data (migration InteractionFigures): the interactions that ended
 * in the range, one row each in interaction_figures (kind, advisor, thank-you gap, hours to the first
 * thank-you), read as one index range from the index alone; and their gaps open now, one range of an index
 * over open gaps by their interaction's end. Both aggregated for the whole scope and per advisor with
 * GROUPING SETS. Deleted interactions (an erased student's included) have no figures row and no open gaps.
 * The median is exact, so it sorts the range's thanked hours (docs/benchmarks.md: what faster would cost).
 * $1 center · $2 caseload advisor id · $3 advisorExternalId filter · $4 from · $5 to · $6 now
 */
const STATS_SQL = `
WITH per_interaction AS (
  SELECT f.advisor_id, GROUPING(f.advisor_id) = 1 AS is_total,
         ${KINDS.map((k) => `count(*) FILTER (WHERE f.kind = '${k}')::int AS "${k}"`).join(', ')},
         count(*) FILTER (WHERE f.thank_you_gap)::int AS "thankYouGaps",
         count(*) FILTER (WHERE f.hours_to_thank_you <= 24)::int AS within24,
         count(*) FILTER (WHERE f.hours_to_thank_you <= 48)::int AS within48,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY f.hours_to_thank_you) AS median
  FROM interaction_figures f
  WHERE f.center_id = $1 AND ${IN_SCOPE('f')} AND f.ended_at >= $4 AND f.ended_at < $5
  GROUP BY GROUPING SETS ((), (f.advisor_id))
),
open_gaps AS (
  SELECT g.advisor_id, GROUPING(g.advisor_id) = 1 AS is_total,
         count(*) FILTER (WHERE g.opens_at <= $6)::int AS "openGaps",
         count(*) FILTER (WHERE g.overdue_at <= $6)::int AS "overdueGaps"
  FROM gaps g
  WHERE g.state = 'OPEN' AND g.center_id = $1 AND ${IN_SCOPE('g')}
    AND g.interaction_ended_at >= $4 AND g.interaction_ended_at < $5
  GROUP BY GROUPING SETS ((), (g.advisor_id))
)
SELECT p.advisor_id AS "advisorId", p.is_total AS "isTotal", ${KINDS.map((k) => `p."${k}"`).join(', ')},
       p."thankYouGaps", p.within24, p.within48, p.median,
       coalesce(o."openGaps", 0) AS "openGaps", coalesce(o."overdueGaps", 0) AS "overdueGaps"
FROM per_interaction p
LEFT JOIN open_gaps o ON o.is_total = p.is_total AND o.advisor_id IS NOT DISTINCT FROM p.advisor_id`;

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
