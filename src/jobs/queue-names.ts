/** Every BullMQ queue of the service. Job payloads carry ids only, never personal data. */
export const QUEUES = {
  housekeeping: 'housekeeping',
  followUps: 'follow-ups',
  reminders: 'reminders',
  deliveries: 'deliveries',
} as const;

export const REMINDER_JOBS = {
  /** No payload: dispatch every reminder that is due and still wanted (the job id says which instant woke it). */
  dispatch: 'dispatch-reminder',
  /** Periodic: re-enqueue every reminder due and not dispatched, every delivery due and not in flight. */
  sweep: 'sweep',
  /** Periodic: send the 09:00 escalation digest of every advisor for whom it is 09:00 or later today. */
  escalate: 'escalate',
} as const;

export const DELIVERY_JOBS = {
  /** Payload { deliveryId }: one attempt at delivering a webhook. */
  deliver: 'deliver',
} as const;

export const FOLLOW_UP_JOBS = {
  /** Payload { centerId }: recompute every student of a center after its policy changed. */
  recomputeCenter: 'recompute-center',
  /** Payload { previewId }: run a policy preview too large to plan within its request (policy_previews). */
  previewPolicy: 'preview-policy',
} as const;

export const HOUSEKEEPING_JOBS = {
  pruneRevokedApiKeys: 'prune-revoked-api-keys',
  purgeIdempotencyKeys: 'purge-idempotency-keys',
} as const;

/** The job that recomputes a center (ids only); `jobId` names the run it belongs to. */
export function recomputeCenterJob(centerId: string, jobId: string) {
  return {
    name: FOLLOW_UP_JOBS.recomputeCenter,
    data: { centerId },
    opts: { jobId, removeOnComplete: 100, removeOnFail: 100 },
  };
}

/** The job that runs a background policy preview (its id only); `jobId` names the attempt. */
export function previewPolicyJob(previewId: string, jobId: string) {
  return {
    name: FOLLOW_UP_JOBS.previewPolicy,
    data: { previewId },
    opts: { jobId, removeOnComplete: 100, removeOnFail: 100 },
  };
}
