import { ApiProperty } from '@nestjs/swagger';
import { INTERACTION_KINDS } from './domain/vocabulary.js';
import { PolicyPreview } from './policy-preview.js';

/**
 * A policy preview running in the background (202), as `GET /v1/policies/{kind}/previews/{id}` shows it:
 * like the center recompute's status, with the preview itself once done.
 */
export class PolicyPreviewRun {
  @ApiProperty({ format: 'uuid', example: '3f0c6a52-8d7e-4c1b-9b7a-2f1e5d4c3b2a' }) id!: string;
  @ApiProperty({ enum: INTERACTION_KINDS, example: 'INTERVIEW' }) kind!: string;
  @ApiProperty({
    enum: ['pending', 'running', 'done', 'failed'],
    description: 'failed: the run stopped on an error; request the preview again',
  })
  status!: 'pending' | 'running' | 'done' | 'failed';
  @ApiProperty({
    description: 'Where to poll: this resource',
    example: '/v1/policies/INTERVIEW/previews/3f0c…',
  })
  href!: string;
  @ApiProperty() requestedAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ description: 'Students planned so far' }) studentsDone!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Students with open gaps of the kind, counted when the run starts (null before)',
  })
  studentsTotal!: number | null;
  @ApiProperty({
    description: 'After this the run is gone (404): an hour after it finished or was requested',
  })
  expiresAt!: Date;
  @ApiProperty({
    type: PolicyPreview,
    nullable: true,
    description: 'Once done: the body the 200 answer has, computed when the run ran; null before',
  })
  preview!: PolicyPreview | null;
}

/** OpenAPI examples, as the service answers. */
export const POLICY_PREVIEW_EXAMPLE: PolicyPreview = {
  kind: 'INTERVIEW',
  current: { firstNudgeAfter: 'PT2H', idealWithin: 'PT24H', overdueAfter: 'PT48H', checkIns: true },
  proposed: { firstNudgeAfter: 'PT4H', idealWithin: 'PT36H', overdueAfter: 'PT72H', checkIns: true },
  studentsAffected: 2,
  gaps: { earlier: 0, later: 2, unchanged: 1 },
  reminders: { added: 0, moved: 2, cancelled: 0, unchanged: 1 },
  samples: [
    {
      studentExternalId: 'stu-1',
      interactionExternalId: 'int-1',
      purpose: 'THANK_YOU',
      before: {
        idealBy: '2026-11-27T02:00:00.000Z',
        overdueAt: '2026-11-28T02:00:00.000Z',
        nextReminderAt: '2026-11-26T04:00:00.000Z',
      },
      after: {
        idealBy: '2026-11-27T14:00:00.000Z',
        overdueAt: '2026-11-29T02:00:00.000Z',
        nextReminderAt: '2026-11-26T06:00:00.000Z',
      },
    },
  ],
};

const RUN_ID = '3f0c6a52-8d7e-4c1b-9b7a-2f1e5d4c3b2a';

export const POLICY_PREVIEW_RUN_EXAMPLE = {
  accepted: {
    id: RUN_ID,
    kind: 'INTERVIEW',
    status: 'pending',
    href: `/v1/policies/INTERVIEW/previews/${RUN_ID}`,
    requestedAt: '2026-11-26T05:00:00.000Z',
    finishedAt: null,
    studentsDone: 0,
    studentsTotal: null,
    expiresAt: '2026-11-26T06:00:00.000Z',
    preview: null,
  },
  done: {
    id: RUN_ID,
    kind: 'INTERVIEW',
    status: 'done',
    href: `/v1/policies/INTERVIEW/previews/${RUN_ID}`,
    requestedAt: '2026-11-26T05:00:00.000Z',
    finishedAt: '2026-11-26T05:00:41.000Z',
    studentsDone: 100000,
    studentsTotal: 100000,
    expiresAt: '2026-11-26T06:00:41.000Z',
    preview: POLICY_PREVIEW_EXAMPLE,
  },
};
