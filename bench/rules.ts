/**
 * npm run bench:rules — the pure follow-up rules (planStudent) over 20,000 students with 10 interactions each
 * (BENCH_STUDENTS scales it), facts in memory shaped like bench:engine's seed, against the reference
 * implementation (the luxon rules kept as the tests' oracle) in the same run, the two alternated round by round.
 * The oracle is not part of the build: it is transpiled from its test-only sources into a temporary directory.
 * No database. The last line of output is one JSON object with every figure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StudentFacts } from '../src/follow-ups/domain/facts.js';
import { planStudent } from '../src/follow-ups/domain/plan.js';
import { DEFAULT_POLICY, INTERACTION_KINDS } from '../src/follow-ups/domain/policy.js';
import { step } from './progress.js';
import { loadReference, plain, round } from './reference-rules.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 20_000);
const PER_STUDENT = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const NOW = new Date('2026-11-26T03:00:00Z');
const HOUR = 3_600_000;
const ZONES = ['Asia/Tokyo', 'America/New_York', 'Europe/Berlin'];
const TARGET_SPEEDUP = 5;

/** A uuid-shaped id from a counter, so keys hashed into stable ids are as long as real ones. */
const uuid = (n: number, salt: number) =>
  `${salt.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** bench:engine's seed, in memory: kinds in rotation, ends spread over 60 days before NOW, 30% followed up. */
function seed(): StudentFacts[] {
  return Array.from({ length: STUDENTS }, (_, i) => {
    const n = i + 1;
    const interactions = Array.from({ length: PER_STUDENT }, (_, j) => {
      const k = j + 1;
      const occurredAt = new Date(NOW.getTime() - ((n * 7 + k * 131) % 1440) * HOUR);
      return {
        id: uuid(n * PER_STUDENT + k, 2),
        kind: INTERACTION_KINDS[(k + n) % 5],
        occurredAt,
        endedAt: new Date(occurredAt.getTime() + HOUR),
        outcome: (n + k) % 4 === 0 ? ('PASSED' as const) : ('PENDING' as const),
        resultExpectedBy: null,
      };
    });
    return {
      studentId: uuid(n, 1),
      timezone: ZONES[n % 3],
      notificationsEnabled: true,
      interactions,
      followUps: interactions
        .filter((_, j) => (n * 31 + j * 17) % 10 < 3)
        .map((interaction) => ({
          interactionId: interaction.id,
          purpose: 'THANK_YOU' as const,
          sentAt: new Date(interaction.endedAt.getTime() + 5 * HOUR),
        })),
      nudgesSent: [],
      lastRemindedAt: null,
      dismissedGaps: new Map(),
      snoozedUntil: new Map(),
    };
  });
}

async function main(): Promise<void> {
  step(`bench:rules — ${STUDENTS} students × ${PER_STUDENT} interactions, ${ROUNDS} rounds, no database`);
  const facts = seed();
  const reference = await loadReference();
  try {
    const sample = facts.filter((_, i) => i % 97 === 0);
    const same = sample.every((f) =>
      isDeepStrictEqual(
        plain(planStudent(f, DEFAULT_POLICY, NOW)),
        plain(reference.plan(f, DEFAULT_POLICY, NOW)),
      ),
    );
    if (!same) throw new Error('the engine and the reference disagree on the bench facts');
    const counts = facts.reduce(
      (sum, f) => {
        const plan = planStudent(f, DEFAULT_POLICY, NOW);
        return { gaps: sum.gaps + plan.gaps.length, reminders: sum.reminders + plan.reminders.length };
      },
      { gaps: 0, reminders: 0 },
    );

    const rounds: { engine: number; reference: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push(round(planStudent, reference.plan, facts, DEFAULT_POLICY, NOW));
      const { engine, reference: ref } = rounds[i];
      step(
        `round ${i + 1}: reference ${Math.round(STUDENTS / ref)}/s, engine ${Math.round(STUDENTS / engine)}/s`,
      );
    }
    // The first round warms both up (JIT, zone offsets); the figures are the sums of the others.
    const measured = rounds.length > 1 ? rounds.slice(1) : rounds;
    const total = (which: 'engine' | 'reference') => measured.reduce((sum, r) => sum + r[which], 0);
    const rate = (seconds: number) => Math.round((STUDENTS * measured.length) / seconds);
    const speedup = Math.round((total('reference') / total('engine')) * 100) / 100;
    const perRound = rounds.map((r) => Math.round((r.reference / r.engine) * 100) / 100);
    const report = {
      students: STUDENTS,
      interactionsPerStudent: PER_STUDENT,
      rounds: ROUNDS,
      gaps: counts.gaps,
      reminders: counts.reminders,
      rulesStudentsPerSecond: rate(total('engine')),
      referenceStudentsPerSecond: rate(total('reference')),
      speedupPerRound: perRound,
      targets: {
        rulesSpeedupVsReference: { value: speedup, limit: TARGET_SPEEDUP, met: speedup >= TARGET_SPEEDUP },
      },
    };
    console.log('');
    console.log(`reference (luxon):  ${report.referenceStudentsPerSecond} students/s`);
    console.log(
      `engine (ms):        ${report.rulesStudentsPerSecond} students/s = ${speedup}× the reference`,
    );
    console.log(JSON.stringify(report));
  } finally {
    await reference.dispose();
  }
}

await main();
