/**
 * The OpenAPI examples of `POST /v1/interactions/preview`: a real exchange with the service (test/previews-write-
 * nothing.e2e-spec.ts replays it and compares). Student stu-2027-0001 (ja, Asia/Tokyo) went to an information
 * session of 未来テクノロジー株式会社 that ended 2026-11-25 10:30 in Tokyo (int-0000, its thank-you LATE since
 * 10:30 today); it is 2026-11-26 12:30 in Tokyo, and an interview that ended at 11:00 is previewed.
 */
export const PREVIEW_REQUEST = {
  externalId: 'int-0001',
  studentExternalId: 'stu-2027-0001',
  companyExternalId: 'cmp-sample-shoji',
  kind: 'INTERVIEW',
  occurredAt: '2026-11-26T10:00:00+09:00',
  endedAt: '2026-11-26T11:00:00+09:00',
  contactExternalIds: ['ct-yamada'],
  notes: '事業内容と若手社員の働き方について伺った',
  resultExpectedBy: '2026-12-04',
};

/**
 * Its answer: the interview's first nudge (13:00) rides along with the information session's second, due now;
 * the check-in opens the day after the promised date, at midnight, and its nudge waits for 08:00.
 */
export const PREVIEW_RESPONSE = {
  gaps: [
    {
      purpose: 'THANK_YOU',
      sequence: 1,
      state: 'OPEN',
      opensAt: '2026-11-26T02:00:00.000Z',
      idealBy: '2026-11-27T02:00:00.000Z',
      overdueAt: '2026-11-28T02:00:00.000Z',
      urgency: 'DUE',
    },
    {
      purpose: 'CHECK_IN',
      sequence: 1,
      state: 'OPEN',
      opensAt: '2026-12-04T15:00:00.000Z',
      idealBy: '2026-12-06T15:00:00.000Z',
      overdueAt: '2026-12-11T15:00:00.000Z',
      urgency: 'DUE',
    },
  ],
  reminders: [
    {
      at: '2026-11-26T03:30:00.000Z',
      status: 'SCHEDULED',
      items: [
        {
          gapId: 'c6b35f1f-bf4b-58bb-a335-fd26c5996f5f',
          purpose: 'THANK_YOU',
          nudge: 2,
          interactionExternalId: 'int-0000',
        },
        { gapId: null, purpose: 'THANK_YOU', nudge: 1, interactionExternalId: 'int-0001' },
      ],
      why: {
        timezone: 'Asia/Tokyo',
        items: [
          {
            gapId: 'c6b35f1f-bf4b-58bb-a335-fd26c5996f5f',
            nudge: 2,
            rule: 'THANK_YOU second nudge at idealBy: end + PT24H',
            anchor: '2026-11-25T01:30:00.000Z',
            dueAt: '2026-11-26T01:30:00.000Z',
            caughtUp: 'its time had passed when this was computed, so it goes out now',
          },
          {
            gapId: null,
            nudge: 1,
            rule: 'THANK_YOU first nudge: end + PT2H',
            anchor: '2026-11-26T02:00:00.000Z',
            dueAt: '2026-11-26T04:00:00.000Z',
          },
        ],
        quietHours: null,
        spacing: { decision: 'coalesced', detail: '2 nudges due within 4 hours share one reminder' },
      },
    },
    {
      at: '2026-12-04T23:00:00.000Z',
      status: 'SCHEDULED',
      items: [{ gapId: null, purpose: 'CHECK_IN', nudge: 1, interactionExternalId: 'int-0001' }],
      why: {
        timezone: 'Asia/Tokyo',
        items: [
          {
            gapId: null,
            nudge: 1,
            rule: 'CHECK_IN check-in 1 opens: resultExpectedBy + 1 day',
            anchor: '2026-12-04T15:00:00.000Z',
            dueAt: '2026-12-04T15:00:00.000Z',
          },
        ],
        quietHours: {
          from: '2026-12-05T00:00:00.000+09:00',
          to: '2026-12-05T08:00:00.000+09:00',
          reason: 'next-morning',
        },
        spacing: { decision: 'none', detail: 'no other reminder within 4 hours' },
      },
    },
  ],
  draft: {
    locale: 'ja',
    purpose: 'THANK_YOU',
    subject: '【御礼】2026年11月26日の面接のお礼（山田 太郎）',
    text:
      '株式会社サンプル商事 人事部 課長 山田 一郎様\n' +
      'お世話になっております。山田 太郎です。\n' +
      '2026年11月26日の面接では、お忙しい中貴重なお時間をいただき、誠にありがとうございました。\n' +
      '特に「事業内容と若手社員の働き方について伺った」についてのお話が大変印象に残っております。\n' +
      'お話を伺い、貴社で働きたいという思いが一層強くなりました。\n' +
      '今後ともどうぞよろしくお願い申し上げます。\n' +
      '\n' +
      '山田 太郎\n',
  },
};

/** The 422 of a student the center does not have (or no longer has: erased), as the PUT answers it. */
export const PREVIEW_UNKNOWN_STUDENT = {
  type: '/problems/unprocessable',
  title: 'Unprocessable request',
  status: 422,
  detail: 'The interaction refers to records that do not exist in this center.',
  errors: [{ path: 'studentExternalId', message: 'no student with this externalId in this center' }],
  instance: '/v1/interactions/preview',
  requestId: '1aa6bbc1-3646-486f-80b4-91e74b55d90e',
};
