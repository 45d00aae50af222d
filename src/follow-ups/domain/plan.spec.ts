import { DateTime } from 'luxon';
import { urgencyAt } from './gaps.js';
import { planStudent } from './plan.js';
import { DEFAULT_POLICY, type Policy } from './policy.js';
import { followUp, interaction, student } from './test-facts.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => new Date(s);
const local = (ms: number, zone: string) =>
  DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm ZZ");

describe('rule: default windows per interaction kind (SPEC section 3)', () => {
  it.each([
    ['INTERVIEW', 2, 24, 48],
    ['INFO_SESSION', 3, 24, 72],
    ['CAREER_FAIR', 3, 48, 96],
    ['NETWORKING', 3, 24, 72],
  ] as const)(
    '%s: first nudge end + %ih, ideal by end + %ih, overdue at end + %ih',
    (kind, first, ideal, overdue) => {
      // 10:00-11:00 JST, so every default nudge time falls in daytime
      const facts = student({
        interactions: [
          interaction('i1', {
            kind,
            occurredAt: '2026-11-26T10:00:00+09:00',
            endedAt: '2026-11-26T11:00:00+09:00',
          }),
        ],
      });
      const plan = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T02:00:00Z'));
      const gap = plan.gaps.find((g) => g.purpose === 'THANK_YOU')!;
      const end = DateTime.fromISO('2026-11-26T02:00:00Z', { zone: 'utc' });
      expect(iso(gap.idealBy)).toBe(iso(end.plus({ hours: ideal }).toMillis()));
      expect(iso(gap.overdueAt)).toBe(iso(end.plus({ hours: overdue }).toMillis()));
      expect(plan.reminders[0].items).toEqual([expect.objectContaining({ gapId: gap.id, nudge: 1 })]);
      expect(iso(plan.reminders[0].at)).toBe(iso(end.plus({ hours: first }).toMillis()));
    },
  );

  it('OTHER: no thank-you is expected, so no gap', () => {
    const facts = student({
      interactions: [interaction('i1', { kind: 'OTHER', occurredAt: '2026-11-26T10:00:00+09:00' })],
    });
    expect(planStudent(facts, DEFAULT_POLICY, at('2026-11-26T02:00:00Z'))).toEqual({
      gaps: [],
      reminders: [],
    });
  });

  it('uses occurredAt as the end when endedAt is missing', () => {
    const facts = student({
      interactions: [interaction('i1', { kind: 'NETWORKING', occurredAt: '2026-11-26T10:00:00+09:00' })],
    });
    const [gap] = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T01:00:00Z')).gaps;
    expect(iso(gap.idealBy)).toBe('2026-11-27T01:00:00.000Z');
  });
});

describe('rule 1: second nudge at idealBy, never more than two nudges per gap', () => {
  const facts = (numbers: number[]) => {
    const base = student({
      interactions: [
        interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00', endedAt: '2026-11-26T11:00:00+09:00' }),
      ],
    });
    const gapId = planStudent(base, DEFAULT_POLICY, at('2026-11-26T02:00:00Z')).gaps[0].id;
    return {
      ...base,
      nudgesSent: numbers.map((number) => ({ gapId, number, at: at('2026-11-26T04:00:00Z') })),
      lastRemindedAt: numbers.length ? at('2026-11-26T04:00:00Z') : null,
    };
  };

  it.each([
    ['no nudge yet: the first, at end + 2h', [], 1, '2026-11-26T04:00:00.000Z'],
    ['first sent: the second, at idealBy', [1], 2, '2026-11-27T02:00:00.000Z'],
  ])('%s', (_name, sent, number, when) => {
    const plan = planStudent(facts(sent), DEFAULT_POLICY, at('2026-11-26T03:30:00Z'));
    const thankYou = plan.reminders.filter((r) => r.items.some((i) => i.purpose === 'THANK_YOU'));
    expect(thankYou).toHaveLength(1);
    expect(thankYou[0].items[0].nudge).toBe(number);
    expect(iso(thankYou[0].at)).toBe(when);
  });

  it('both sent: nothing more, even long after', () => {
    const plan = planStudent(facts([1, 2]), DEFAULT_POLICY, at('2026-11-28T04:30:00Z'));
    expect(plan.reminders.filter((r) => r.items.some((i) => i.purpose === 'THANK_YOU'))).toEqual([]);
  });
});

describe('rule 2: any follow-up satisfies the thank-you; a check-in follow-up the current check-in', () => {
  it.each(['THANK_YOU', 'CHECK_IN'] as const)(
    'a %s follow-up by phone satisfies the thank-you gap and leaves no reminder for it',
    (purpose) => {
      const facts = student({
        interactions: [interaction('i1', { kind: 'INFO_SESSION', occurredAt: '2026-11-26T10:00:00+09:00' })],
        followUps: [followUp('i1', '2026-11-26T12:00:00+09:00', purpose)],
      });
      const plan = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T04:00:00Z'));
      expect(plan.gaps[0]).toMatchObject({
        state: 'SATISFIED',
        stateReason: expect.stringMatching(/follow-up sent/),
      });
      expect(plan.reminders).toEqual([]);
    },
  );
});

describe('rule 3: check-ins for interviews with a pending outcome', () => {
  const interview = (fields = {}) =>
    interaction('i1', {
      occurredAt: '2026-11-20T10:00:00+09:00',
      endedAt: '2026-11-20T11:00:00+09:00',
      ...fields,
    });
  const thankYou = followUp('i1', '2026-11-20T18:00:00+09:00');

  it('opens the first at end + 7 days when no date was promised, nudged when it opens', () => {
    const plan = planStudent(
      student({ interactions: [interview()], followUps: [thankYou] }),
      DEFAULT_POLICY,
      at('2026-11-27T03:00:00Z'),
    );
    const checkIn = plan.gaps.find((g) => g.purpose === 'CHECK_IN')!;
    expect(iso(checkIn.opensAt)).toBe('2026-11-27T02:00:00.000Z');
    expect(iso(checkIn.idealBy)).toBe('2026-11-29T02:00:00.000Z');
    expect(iso(checkIn.overdueAt)).toBe('2026-12-04T02:00:00.000Z');
    expect(plan.reminders[0]).toMatchObject({
      items: [expect.objectContaining({ gapId: checkIn.id, purpose: 'CHECK_IN' })],
    });
    expect(iso(plan.reminders[0].at)).toBe('2026-11-27T03:00:00.000Z'); // opened an hour ago: now
  });

  it('opens the first the day after the promised date, nudging at 08:00 student-local', () => {
    const facts = student({
      interactions: [interview({ resultExpectedBy: '2026-12-04' })],
      followUps: [thankYou],
    });
    const plan = planStudent(facts, DEFAULT_POLICY, at('2026-11-21T00:00:00Z'));
    const checkIn = plan.gaps.find((g) => g.purpose === 'CHECK_IN')!;
    expect(local(checkIn.opensAt, 'Asia/Tokyo')).toBe('2026-12-05T00:00 +09:00');
    expect(local(plan.reminders[0].at, 'Asia/Tokyo')).toBe('2026-12-05T08:00 +09:00');
  });

  it('opens the second 7 days after the first was satisfied, and never a third', () => {
    const checkIn1 = followUp('i1', '2026-11-28T10:00:00+09:00', 'CHECK_IN');
    const one = planStudent(
      student({ interactions: [interview()], followUps: [thankYou, checkIn1] }),
      DEFAULT_POLICY,
      at('2026-11-28T03:00:00Z'),
    );
    const second = one.gaps.filter((g) => g.purpose === 'CHECK_IN')[1];
    expect(second).toMatchObject({ sequence: 2, state: 'OPEN' });
    expect(iso(second.opensAt)).toBe('2026-12-05T01:00:00.000Z');
    const checkIn2 = followUp('i1', '2026-12-06T10:00:00+09:00', 'CHECK_IN');
    const two = planStudent(
      student({ interactions: [interview()], followUps: [thankYou, checkIn1, checkIn2] }),
      DEFAULT_POLICY,
      at('2026-12-30T03:00:00Z'),
    );
    expect(two.gaps.filter((g) => g.purpose === 'CHECK_IN').map((g) => g.state)).toEqual([
      'SATISFIED',
      'SATISFIED',
    ]);
    expect(two.reminders).toEqual([]);
  });

  it('opens the second 7 days after the first was nudged, when it was not answered', () => {
    const base = student({ interactions: [interview()], followUps: [thankYou] });
    const firstId = planStudent(base, DEFAULT_POLICY, at('2026-11-27T03:00:00Z')).gaps.find(
      (g) => g.purpose === 'CHECK_IN',
    )!.id;
    const nudged = {
      ...base,
      nudgesSent: [{ gapId: firstId, number: 1, at: at('2026-11-27T02:00:00Z') }],
      lastRemindedAt: at('2026-11-27T02:00:00Z'),
    };
    const plan = planStudent(nudged, DEFAULT_POLICY, at('2026-11-28T03:00:00Z'));
    expect(iso(plan.gaps.filter((g) => g.purpose === 'CHECK_IN')[1].opensAt)).toBe(
      '2026-12-04T02:00:00.000Z',
    );
  });

  it.each(['PASSED', 'OFFER', 'REJECTED', 'WITHDRAWN'] as const)(
    'outcome %s closes open check-ins and opens no more',
    (outcome) => {
      const plan = planStudent(
        student({ interactions: [interview({ outcome })], followUps: [thankYou] }),
        DEFAULT_POLICY,
        at('2026-11-28T03:00:00Z'),
      );
      expect(plan.gaps.filter((g) => g.purpose === 'CHECK_IN')).toEqual([
        expect.objectContaining({ state: 'CLOSED', stateReason: `outcome ${outcome}` }),
      ]);
      expect(plan.reminders).toEqual([]);
    },
  );

  it('has no check-ins for kinds without them', () => {
    const facts = student({
      interactions: [interaction('i1', { kind: 'CAREER_FAIR', occurredAt: '2026-11-01T10:00:00+09:00' })],
    });
    expect(planStudent(facts, DEFAULT_POLICY, at('2026-11-30T00:00:00Z')).gaps.map((g) => g.purpose)).toEqual(
      ['THANK_YOU'],
    );
  });
});

describe('rule 4: quiet hours 08:00–21:00 student-local, deadline-aware', () => {
  const tight: Policy = {
    ...DEFAULT_POLICY,
    INFO_SESSION: {
      thankYou: { firstNudgeAfter: 'PT2H', idealWithin: 'PT5H', overdueAfter: 'PT11H' },
      checkIns: false,
    },
  };

  it('moves a nudge at 22:00 to 08:00 the next morning', () => {
    const facts = student({
      interactions: [
        interaction('i1', { occurredAt: '2026-11-26T19:00:00+09:00', endedAt: '2026-11-26T20:00:00+09:00' }),
      ],
    });
    const [reminder] = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T11:00:00Z')).reminders;
    expect(local(reminder.at, 'Asia/Tokyo')).toBe('2026-11-27T08:00 +09:00');
    expect(reminder.why.quietHours).toMatchObject({ reason: 'next-morning' });
  });

  it('pulls it forward to 21:00 when 08:00 would pass overdueAt', () => {
    const facts = student({
      interactions: [
        interaction('i1', {
          kind: 'INFO_SESSION',
          occurredAt: '2026-11-26T19:00:00+09:00',
          endedAt: '2026-11-26T20:00:00+09:00',
        }),
      ],
    });
    const [reminder] = planStudent(facts, tight, at('2026-11-26T11:00:00Z')).reminders;
    expect(local(reminder.at, 'Asia/Tokyo')).toBe('2026-11-26T21:00 +09:00');
    expect(reminder.why.quietHours).toMatchObject({ reason: 'pulled-before-deadline' });
  });

  it('waits for 08:00 anyway when 21:00 has already passed', () => {
    const facts = student({
      interactions: [
        interaction('i1', {
          kind: 'INFO_SESSION',
          occurredAt: '2026-11-26T19:00:00+09:00',
          endedAt: '2026-11-26T20:00:00+09:00',
        }),
      ],
    });
    const [reminder] = planStudent(facts, tight, at('2026-11-26T13:30:00Z')).reminders; // 22:30 JST
    expect(local(reminder.at, 'Asia/Tokyo')).toBe('2026-11-27T08:00 +09:00');
  });
});

describe('rule 4 across DST: nudges land at the right wall-clock time', () => {
  it.each([
    ['America/New_York', 'spring forward', '2026-03-07T20:00:00-05:00', '2026-03-08T08:00 -04:00'],
    ['America/New_York', 'fall back', '2026-10-31T20:00:00-04:00', '2026-11-01T08:00 -05:00'],
    ['Europe/Berlin', 'spring forward', '2026-03-28T20:00:00+01:00', '2026-03-29T08:00 +02:00'],
    ['Europe/Berlin', 'fall back', '2026-10-24T20:00:00+02:00', '2026-10-25T08:00 +01:00'],
    ['Asia/Tokyo', 'no DST', '2026-03-07T20:00:00+09:00', '2026-03-08T08:00 +09:00'],
  ])('%s, %s night: a 22:00 nudge goes out at 08:00 local', (zone, _night, end, expected) => {
    const facts = student({ timezone: zone, interactions: [interaction('i1', { occurredAt: end })] });
    const [reminder] = planStudent(facts, DEFAULT_POLICY, new Date(end)).reminders;
    expect(local(reminder.at, zone)).toBe(expected);
  });
});

describe('rule 5: at most one reminder per student per 4 hours', () => {
  it('coalesces gaps due within 4 hours into one reminder with several items', () => {
    const facts = student({
      interactions: [
        interaction('i1', {
          kind: 'INFO_SESSION',
          occurredAt: '2026-11-26T09:00:00+09:00',
          endedAt: '2026-11-26T10:00:00+09:00',
        }),
        interaction('i2', {
          kind: 'NETWORKING',
          occurredAt: '2026-11-26T11:00:00+09:00',
          endedAt: '2026-11-26T12:00:00+09:00',
        }),
      ],
    });
    const plan = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T03:00:00Z'));
    const first = plan.reminders[0];
    expect(first.items.map((i) => i.interactionId)).toEqual(['i1', 'i2']);
    expect(first.why.spacing.decision).toBe('coalesced');
  });

  it('delays a nudge to 4 hours after the last reminder sent', () => {
    const facts = student({
      interactions: [
        interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00', endedAt: '2026-11-26T11:00:00+09:00' }),
      ],
      lastRemindedAt: at('2026-11-26T03:00:00Z'),
    });
    const [reminder] = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T02:30:00Z')).reminders;
    expect(iso(reminder.at)).toBe('2026-11-26T07:00:00.000Z');
    expect(reminder.why.spacing.decision).toBe('delayed');
  });
});

describe('rule 5: why.spacing counts the nudges the reminder carries', () => {
  // 12:00 in Tokyo. A NETWORKING meeting of the 17th is more than 7 days past: its nudge is planned, due now,
  // and dropped as stale from the reminder it was coalesced into. Gap ids follow interaction ids: i1's gap
  // sorts before i2's and i3's, so i1 leads a group of nudges placed at the same instant.
  const now = at('2026-11-26T03:00:00Z');
  const stale = (id: string) =>
    interaction(id, { kind: 'NETWORKING', occurredAt: '2026-11-17T10:00:00+09:00' });
  /** Ended at `end` (JST): its first nudge is 3 hours later. */
  const fresh = (id: string, end: string) =>
    interaction(id, { kind: 'NETWORKING', occurredAt: `2026-11-26T${end}:00+09:00` });
  const plan = (...interactions: ReturnType<typeof interaction>[]) =>
    planStudent(student({ interactions }), DEFAULT_POLICY, now).reminders;
  const expectCountsItems = (reminders: ReturnType<typeof plan>) => {
    for (const reminder of reminders) {
      const counted = /^(\d+) nudges/.exec(reminder.why.spacing.detail);
      if (counted) expect(Number(counted[1])).toBe(reminder.items.length);
      expect(reminder.why.items).toHaveLength(reminder.items.length);
    }
  };

  it('a nudge joined by one dropped as stale: one item, no "2 nudges … share one reminder"', () => {
    const reminders = plan(fresh('i1', '08:00'), stale('i2')); // i1 leads, i2 rides along and is dropped
    expect(reminders).toHaveLength(1);
    expect(reminders[0].items.map((i) => i.interactionId)).toEqual(['i1']);
    expect(reminders[0].why.spacing).toEqual({
      decision: 'none',
      detail: 'no other reminder within 4 hours',
    });
    expectCountsItems(reminders);
  });

  it('a nudge that rode along with one dropped as stale says why it goes when it goes', () => {
    const same = plan(stale('i1'), fresh('i2', '08:00')); // both now; i1 leads and is dropped
    expect(same[0].items.map((i) => i.interactionId)).toEqual(['i2']);
    expect(same[0].why.spacing).toEqual({ decision: 'none', detail: 'no other reminder within 4 hours' });

    const forward = plan(stale('i1'), fresh('i2', '10:00')); // i2 is due at 04:00Z, goes with i1's now
    expect(forward[0].items.map((i) => i.interactionId)).toEqual(['i2']);
    expect(iso(forward[0].at)).toBe(now.toISOString());
    expect(forward[0].why.spacing).toEqual({
      decision: 'coalesced',
      detail:
        'brought forward from 2026-11-26T04:00:00.000Z to go with a nudge due within 4 hours, which was then dropped as stale',
    });

    // A reminder 1 hour ago: the group waits until 06:00Z, past i1's staleness; i2 was due now.
    const delayed = planStudent(
      student({
        interactions: [stale('i1'), fresh('i2', '08:00')],
        lastRemindedAt: at('2026-11-26T02:00:00Z'),
      }),
      DEFAULT_POLICY,
      now,
    ).reminders;
    expect(delayed[0].items.map((i) => i.interactionId)).toEqual(['i2']);
    expect(iso(delayed[0].at)).toBe('2026-11-26T06:00:00.000Z');
    expect(delayed[0].why.spacing).toEqual({
      decision: 'delayed',
      detail: 'moved from 2026-11-26T03:00:00.000Z to keep 4 hours after the previous reminder',
    });
    expectCountsItems([...same, ...forward, ...delayed]);
  });

  it('three coalesced, one dropped as stale: "2 nudges due within 4 hours share one reminder"', () => {
    const reminders = plan(stale('i1'), fresh('i2', '08:00'), fresh('i3', '08:30'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0].items.map((i) => i.interactionId).sort()).toEqual(['i2', 'i3']);
    expect(reminders[0].why.spacing).toEqual({
      decision: 'coalesced',
      detail: '2 nudges due within 4 hours share one reminder',
    });
    expectCountsItems(reminders);
  });
});

describe('rule 6: late data', () => {
  it('an interview synced 3 days late is OVERDUE and nudged once, now', () => {
    const facts = student({
      interactions: [
        interaction('i1', { occurredAt: '2026-11-23T10:00:00+09:00', endedAt: '2026-11-23T11:00:00+09:00' }),
      ],
    });
    const now = at('2026-11-26T03:00:00Z');
    const plan = planStudent(facts, DEFAULT_POLICY, now);
    const gap = plan.gaps[0];
    expect(urgencyAt({ idealBy: new Date(gap.idealBy), overdueAt: new Date(gap.overdueAt) }, now)).toBe(
      'OVERDUE',
    );
    const thankYou = plan.reminders.filter((r) => r.items.some((i) => i.gapId === gap.id));
    expect(thankYou).toHaveLength(1);
    expect(iso(thankYou[0].at)).toBe(now.toISOString());
    expect(thankYou[0].items[0].nudge).toBe(2);
    expect(thankYou[0].why.items[0].caughtUp).toBeDefined();
  });

  it('more than 7 days after the end: the gap stays open (OVERDUE) but no nudge is sent', () => {
    const facts = student({
      interactions: [interaction('i1', { kind: 'CAREER_FAIR', occurredAt: '2026-11-18T10:00:00+09:00' })],
    });
    const plan = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T03:00:00Z'));
    expect(plan.gaps[0].state).toBe('OPEN');
    expect(plan.reminders).toEqual([]);
  });
});

describe('rule 7: opt-out', () => {
  it('records reminders as SUPPRESSED, saying why; gaps stay', () => {
    const facts = student({
      notificationsEnabled: false,
      interactions: [interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00' })],
    });
    const plan = planStudent(facts, DEFAULT_POLICY, at('2026-11-26T01:00:00Z'));
    expect(plan.gaps[0].state).toBe('OPEN');
    expect(plan.reminders[0]).toMatchObject({
      status: 'SUPPRESSED',
      why: { suppressed: expect.any(String) },
    });
  });
});

describe('rule 8: recomputation after a change gives the new schedule', () => {
  const now = at('2026-11-26T00:00:00Z');
  const base = student({
    interactions: [
      interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00', endedAt: '2026-11-26T11:00:00+09:00' }),
    ],
  });
  const first = (facts = base, policy = DEFAULT_POLICY) => planStudent(facts, policy, now).reminders[0];

  it.each([
    [
      'the time',
      {
        ...base,
        interactions: [
          interaction('i1', {
            occurredAt: '2026-11-26T13:00:00+09:00',
            endedAt: '2026-11-26T14:00:00+09:00',
          }),
        ],
      },
      '2026-11-26T07:00:00.000Z',
    ],
    [
      'the kind',
      {
        ...base,
        interactions: [
          interaction('i1', {
            kind: 'CAREER_FAIR',
            occurredAt: '2026-11-26T10:00:00+09:00',
            endedAt: '2026-11-26T11:00:00+09:00',
          }),
        ],
      },
      '2026-11-26T05:00:00.000Z',
    ],
    ["the student's time zone", { ...base, timezone: 'America/New_York' }, '2026-11-26T13:00:00.000Z'],
  ])('changing %s moves the reminder', (_what, changed, expected) => {
    expect(iso(first().at)).toBe('2026-11-26T04:00:00.000Z');
    expect(iso(first(changed).at)).toBe(expected);
  });

  it('changing the policy moves the gap', () => {
    const slower: Policy = {
      ...DEFAULT_POLICY,
      INTERVIEW: {
        thankYou: { firstNudgeAfter: 'PT6H', idealWithin: 'PT30H', overdueAfter: 'PT60H' },
        checkIns: true,
      },
    };
    expect(iso(planStudent(base, slower, now).gaps[0].idealBy)).toBe('2026-11-27T08:00:00.000Z');
    expect(iso(first(base, slower).at)).toBe('2026-11-26T08:00:00.000Z');
  });

  it('a deleted interaction (absent from the facts) leaves no gap', () => {
    expect(planStudent({ ...base, interactions: [] }, DEFAULT_POLICY, now)).toEqual({
      gaps: [],
      reminders: [],
    });
  });

  it('is deterministic, ids included', () => {
    expect(planStudent(base, DEFAULT_POLICY, now)).toEqual(planStudent(base, DEFAULT_POLICY, now));
    expect(planStudent(base, DEFAULT_POLICY, now).gaps[0].id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('dismissed gaps', () => {
  it('stay DISMISSED and are never nudged', () => {
    const base = student({ interactions: [interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00' })] });
    const gapId = planStudent(base, DEFAULT_POLICY, at('2026-11-26T01:00:00Z')).gaps[0].id;
    const plan = planStudent(
      { ...base, dismissedGaps: new Map([[gapId, 'dismissed by an advisor']]) },
      DEFAULT_POLICY,
      at('2026-11-26T01:00:00Z'),
    );
    expect(plan.gaps[0].state).toBe('DISMISSED');
    expect(plan.reminders.flatMap((r) => r.items).filter((i) => i.gapId === gapId)).toEqual([]);
  });
});

describe('snoozed gaps', () => {
  const base = student({ interactions: [interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00' })] });
  const now = at('2026-11-26T01:30:00Z');
  const gapId = planStudent(base, DEFAULT_POLICY, now).gaps[0].id;
  /** When the snoozed gap's reminders go out (the interview's later check-in is not snoozed). */
  const snoozed = (until: string) => {
    const plan = planStudent(
      { ...base, snoozedUntil: new Map([[gapId, new Date(until)]]) },
      DEFAULT_POLICY,
      now,
    );
    expect(plan.gaps[0].state).toBe('OPEN');
    return plan.reminders.filter((r) => r.items.some((i) => i.gapId === gapId)).map((r) => iso(r.at));
  };

  it('are not nudged before the snooze ends, then nudged at once', () => {
    expect(snoozed('2026-11-27T15:00:00+09:00')).toEqual(['2026-11-27T06:00:00.000Z']);
  });

  it('never ride along on an earlier reminder within 4 hours', () => {
    const two = student({
      interactions: [
        interaction('i1', { occurredAt: '2026-11-26T10:00:00+09:00' }),
        interaction('i2', { occurredAt: '2026-11-26T11:00:00+09:00' }),
      ],
    });
    const second = planStudent(two, DEFAULT_POLICY, now).gaps.find((g) => g.interactionId === 'i2')!.id;
    const until = new Date('2026-11-26T14:00:00+09:00');
    const plan = planStudent({ ...two, snoozedUntil: new Map([[second, until]]) }, DEFAULT_POLICY, now);
    const firstNudge = plan.reminders.find((r) => r.items.some((i) => i.gapId === second))!;
    expect(firstNudge.at).toBeGreaterThanOrEqual(until.getTime());
  });

  it('are never pulled back before the snooze ends by quiet hours', () => {
    // 23:00 in Tokyo is quiet and past the gap's overdueAt: without the snooze it would move to 21:00.
    expect(snoozed('2026-11-28T23:00:00+09:00')).toEqual(['2026-11-28T23:00:00.000Z']);
  });
});
