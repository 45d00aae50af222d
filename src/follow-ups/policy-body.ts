import { ValidationFailedError } from '../common/app-error.js';
import { DEFAULT_POLICY, parseDuration, windowsInOrder, type KindPolicy } from './domain/policy.js';
import type { InteractionKind } from './domain/vocabulary.js';
import type { PolicyBody } from './policy.dto.js';

// A policy body as PUT and both previews read it, so a preview plans exactly what the PUT would store.

/** The kind's policy as PUT stores it (checkIns defaulting to the SPEC's for the kind). */
export function proposedKindPolicy(kind: InteractionKind, body: PolicyBody): KindPolicy {
  return {
    thankYou: {
      firstNudgeAfter: body.firstNudgeAfter,
      idealWithin: body.idealWithin,
      overdueAfter: body.overdueAfter,
    },
    checkIns: body.checkIns ?? DEFAULT_POLICY[kind].checkIns,
  };
}

/** The body with its default filled in: what a background preview stores and runs with. */
export function completePolicyBody(kind: InteractionKind, body: PolicyBody): Required<PolicyBody> {
  return {
    firstNudgeAfter: body.firstNudgeAfter,
    idealWithin: body.idealWithin,
    overdueAfter: body.overdueAfter,
    checkIns: body.checkIns ?? DEFAULT_POLICY[kind].checkIns,
  };
}

/** firstNudgeAfter < idealWithin <= overdueAfter, or a 400 (the durations themselves are checked by the DTO). */
export function checkWindows(body: PolicyBody): void {
  const [first, ideal, overdue] = [body.firstNudgeAfter, body.idealWithin, body.overdueAfter].map((d) =>
    parseDuration(d)!,
  );
  if (!windowsInOrder(first, ideal, overdue)) {
    throw new ValidationFailedError(
      [
        {
          path: 'idealWithin',
          message: 'must be longer than firstNudgeAfter and not longer than overdueAfter',
        },
      ],
      'The windows must satisfy firstNudgeAfter < idealWithin <= overdueAfter.',
    );
  }
}
