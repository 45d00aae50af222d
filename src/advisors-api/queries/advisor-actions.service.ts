import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../common/app-error.js';
import { GapDecisionsService, type GapDecisionResult } from '../../follow-ups/gap-decisions.service.js';
import { FollowUpsService } from '../../interactions/follow-ups.service.js';
import type { Viewer } from '../auth/viewer.js';
import { badUserInput } from '../graphql-errors.js';
import type { FollowUp } from '../models/directory.model.js';
import type { LogFollowUpInput } from '../models/inputs.js';
import { GapPurpose } from '../models/enums.js';
import { ScopeRepository } from './scope.repository.js';

/**
 * What advisors change, through the same domain services as REST (so gaps are recomputed in the same
 * transaction), after checking the target is in the viewer's scope.
 */
@Injectable()
export class AdvisorActionsService {
  constructor(
    private readonly scope: ScopeRepository,
    private readonly followUps: FollowUpsService,
    private readonly decisions: GapDecisionsService,
  ) {}

  async logFollowUp(viewer: Viewer, input: LogFollowUpInput): Promise<FollowUp> {
    // externalIds are one namespace per center: whether an advisor's choice were taken (CONFLICT) or free
    // would tell that a colleague's student has that follow-up. So only whole-center viewers choose one.
    if (input.externalId != null && viewer.caseloadOf !== null)
      throw badUserInput(
        'Advisors cannot choose a follow-up externalId; leave it out to get advisor-log.<uuid>.',
        'input.externalId',
      );
    if (!(await this.scope.visibleInteractionId(viewer, input.interactionExternalId)))
      throw new NotFoundError(`No interaction ${input.interactionExternalId} in your scope.`);
    const externalId = input.externalId ?? `advisor-log.${randomUUID()}`;
    // Insert only: reusing an existing externalId must not move that follow-up (maybe another advisor's).
    const [outcome] = await this.followUps.upsertMany(
      viewer.centerId,
      [
        {
          externalId,
          interactionExternalId: input.interactionExternalId,
          channel: input.channel,
          sentAt: input.sentAt.toISOString(),
          purpose: input.purpose ?? GapPurpose.THANK_YOU,
          note: input.note ?? undefined,
        },
      ],
      { onlyNew: true },
    );
    if (outcome.status === 'error') throw outcome.error;
    if (outcome.status !== 'created')
      throw new ConflictError(`A follow-up ${externalId} already exists; logFollowUp records new ones only.`);
    return this.followUps.get(viewer.centerId, externalId);
  }

  dismissGap(viewer: Viewer, gapId: string, reason: string): Promise<GapDecisionResult> {
    return this.decisions.dismiss(viewer, gapId, reason);
  }

  snoozeGap(viewer: Viewer, gapId: string, until: Date): Promise<GapDecisionResult> {
    return this.decisions.snooze(viewer, gapId, until);
  }
}
