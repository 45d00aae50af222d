import type { AuditActor } from '../../audit/audit.service.js';

/**
 * Who is asking, resolved once per GraphQL request. Every service method of the advisor API takes it and
 * scopes its SQL with it: a director sees the center, an advisor only students whose advisor they are.
 */
export interface Viewer {
  centerId: string;
  role: 'advisor' | 'director';
  /** The advisor's row id; null for a director. Students are visible when `advisor_id` equals it. */
  caseloadOf: string | null;
  /** Rate-limit key: one bucket per token holder. */
  rateKey: string;
  audit: AuditActor;
}

/** SQL condition limiting students `s` to the viewer's scope; `$n` is the parameter carrying `caseloadOf`. */
export function caseloadCondition(param: string): string {
  return `(${param}::uuid IS NULL OR s.advisor_id = ${param}::uuid)`;
}
