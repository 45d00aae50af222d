import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { PolicyPreviewService } from '../../follow-ups/policy-preview.service.js';
import type { AdvisorContext } from '../advisor-context.js';
import { forbidden, previewTooLarge } from '../graphql-errors.js';
import { InteractionKind } from '../models/enums.js';
import { PolicyInput, PolicyPreview } from '../models/policy-preview.model.js';

@Resolver()
export class PolicyPreviewResolver {
  constructor(private readonly previews: PolicyPreviewService) {}

  @Query(() => PolicyPreview, {
    description:
      "What setting the kind's policy would change across the center, storing nothing: the figures of POST /v1/policies/{kind}/preview. Directors only. PREVIEW_TOO_LARGE past the students one request plans (POLICY_PREVIEW_SYNC_MAX_STUDENTS): use the REST preview, which runs it in the background.",
  })
  async policyPreview(
    @Context() ctx: AdvisorContext,
    @Args('kind', {
      type: () => InteractionKind,
      description: 'The interaction kind whose policy would change.',
    })
    kind: InteractionKind,
    @Args('policy', { type: () => PolicyInput, description: 'The policy to try, as PUT would take it.' })
    policy: PolicyInput,
  ): Promise<PolicyPreview> {
    // A preview plans the whole center's students: a director's view, as the policy is a director's to set.
    if (ctx.viewer.role !== 'director') throw forbidden('Only directors can preview policies.');
    const preview = await this.previews.previewWithinBound(ctx.viewer.centerId, kind, {
      firstNudgeAfter: policy.firstNudgeAfter,
      idealWithin: policy.idealWithin,
      overdueAfter: policy.overdueAfter,
      checkIns: policy.checkIns ?? undefined,
    });
    if (!preview) throw previewTooLarge(kind, this.previews.syncMaxStudents);
    return preview as PolicyPreview;
  }
}
