import { DateTime } from 'luxon';

/**
 * The sample career center: two advisors, students in Tokyo and New York writing in Japanese and English, and
 * two exchange students abroad, Japanese and English companies with their contacts, and meetings placed
 * relative to now so that gaps are DUE, LATE, OVERDUE and already satisfied.
 */

export interface SampleRequest {
  /** What the progress display and a failure message call it. */
  what: string;
  method: 'PUT';
  path: string;
  body: Record<string, unknown>;
  /**
   * An interaction the portal previews as it logs it (`POST /v1/interactions/preview` with this body, right
   * before the PUT), to show the student the thank-you draft at once, before any reminder.
   */
  previewWhenLogged?: boolean;
}

export interface SampleStudent {
  externalId: string;
  name: string;
  locale: 'ja' | 'en';
  timezone: string;
  advisorExternalId: string;
  /** The student has open gaps whose nudge is due now (so a reminder, unless quiet hours defer it). */
  nudgeDueNow: boolean;
}

export interface SampleCenter {
  name: string;
  timezone: string;
  students: SampleStudent[];
  /** Advisor whose caseload the demo queries over GraphQL. */
  advisor: { externalId: string; name: string };
  /** The companies' exact names, which every draft must use. */
  companyNames: string[];
  requests: SampleRequest[];
}

/** Zones with a student abroad, one of which is in daytime at any hour, so the demo always shows reminders. */
const ABROAD_ZONES = [
  'Pacific/Honolulu',
  'America/Los_Angeles',
  'America/Chicago',
  'America/Sao_Paulo',
  'Atlantic/Azores',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Australia/Sydney',
  'Pacific/Auckland',
];

/** The zone of ABROAD_ZONES where it is closest to 14:00 now: hours away from either end of quiet hours. */
export function daytimeZone(now: DateTime): string {
  const distance = (zone: string) => {
    const local = now.setZone(zone);
    const minutes = local.hour * 60 + local.minute;
    const diff = Math.abs(minutes - 14 * 60);
    return Math.min(diff, 24 * 60 - diff);
  };
  return [...ABROAD_ZONES].sort((a, b) => distance(a) - distance(b))[0];
}

export function sampleCenter(now: DateTime): SampleCenter {
  const abroad = daytimeZone(now);
  const requests: SampleRequest[] = [];
  const put = (what: string, path: string, body: Record<string, unknown>) =>
    requests.push({ what, method: 'PUT', path, body });

  put('advisor 田中 美咲', '/v1/advisors/adv-tanaka', {
    name: '田中 美咲',
    email: 'tanaka.misaki@career.sample-u.ac.jp',
    timezone: 'Asia/Tokyo',
  });
  put('advisor Emily Brown', '/v1/advisors/adv-brown', {
    name: 'Emily Brown',
    email: 'emily.brown@career.sample-u.ac.jp',
    timezone: 'America/New_York',
  });

  const companies = [
    {
      externalId: 'co-sample-shoji',
      name: '株式会社サンプル商事',
      industry: '総合商社',
      contacts: [
        {
          externalId: 'ct-yamada',
          name: '山田 太郎',
          title: '人事部 課長',
          email: 'yamada@sample-shoji.example',
        },
        {
          externalId: 'ct-suzuki',
          name: '鈴木 一郎',
          title: '海外営業本部 部長',
          email: 'suzuki@sample-shoji.example',
        },
      ],
    },
    {
      externalId: 'co-mirai-tech',
      name: '未来テクノロジー株式会社',
      industry: '情報通信',
      contacts: [
        {
          externalId: 'ct-kato',
          name: '加藤 恵',
          title: '人事部 採用担当',
          email: 'kato@mirai-tech.example',
        },
      ],
    },
    {
      externalId: 'co-northwind',
      name: 'Northwind Analytics Inc.',
      industry: 'Data and analytics',
      // The title carries the honorific, so English drafts open "Dear Ms. Smith,".
      contacts: [
        {
          externalId: 'ct-smith',
          name: 'Jane Smith',
          title: 'Ms. Recruiting Manager',
          email: 'jane.smith@northwind.example',
        },
      ],
    },
    {
      externalId: 'co-harbor',
      name: 'Harbor Bridge Consulting LLC',
      industry: 'Consulting',
      contacts: [
        {
          externalId: 'ct-lee',
          name: 'Daniel Lee',
          title: 'Mr. Campus Recruiter',
          email: 'daniel.lee@harborbridge.example',
        },
      ],
    },
  ];
  for (const company of companies) {
    put(`company ${company.name}`, `/v1/companies/${company.externalId}`, {
      name: company.name,
      industry: company.industry,
    });
    for (const contact of company.contacts) {
      const { externalId, ...body } = contact;
      put(`contact ${contact.name}`, `/v1/companies/${company.externalId}/contacts/${externalId}`, body);
    }
  }

  const students: SampleStudent[] = [
    {
      externalId: 'stu-sato',
      name: '佐藤 花子',
      locale: 'ja',
      timezone: 'Asia/Tokyo',
      advisorExternalId: 'adv-tanaka',
      nudgeDueNow: true,
    },
    {
      externalId: 'stu-takahashi',
      name: '高橋 健',
      locale: 'ja',
      timezone: 'Asia/Tokyo',
      advisorExternalId: 'adv-tanaka',
      nudgeDueNow: true,
    },
    {
      externalId: 'stu-ito',
      name: '伊藤 さくら',
      locale: 'ja',
      timezone: 'Asia/Tokyo',
      advisorExternalId: 'adv-tanaka',
      nudgeDueNow: false,
    },
    {
      externalId: 'stu-nakamura',
      name: '中村 蓮',
      locale: 'ja',
      timezone: abroad,
      advisorExternalId: 'adv-tanaka',
      nudgeDueNow: true,
    },
    {
      externalId: 'stu-miller',
      name: 'Alex Miller',
      locale: 'en',
      timezone: 'America/New_York',
      advisorExternalId: 'adv-brown',
      nudgeDueNow: true,
    },
    {
      externalId: 'stu-garcia',
      name: 'Sofia Garcia',
      locale: 'en',
      timezone: 'America/New_York',
      advisorExternalId: 'adv-brown',
      nudgeDueNow: true,
    },
    {
      externalId: 'stu-wilson',
      name: 'Olivia Wilson',
      locale: 'en',
      timezone: abroad,
      advisorExternalId: 'adv-brown',
      nudgeDueNow: true,
    },
  ];
  for (const student of students) {
    const email =
      student.locale === 'ja'
        ? `${student.externalId.slice(4)}@st.sample-u.ac.jp`
        : `${student.name.toLowerCase().replace(' ', '.')}@st.sample-u.ac.jp`;
    put(`student ${student.name}`, `/v1/students/${student.externalId}`, {
      name: student.name,
      email,
      locale: student.locale,
      timezone: student.timezone,
      advisorExternalId: student.advisorExternalId,
      graduationYear: 2027,
    });
  }

  const zoneOf = new Map(students.map((s) => [s.externalId, s.timezone]));
  /** Marks the interaction's PUT to be previewed first, as a portal does when an interview is logged. */
  const previewWhenLogged = (externalId: string) => {
    requests.find((r) => r.path === `/v1/interactions/${externalId}`)!.previewWhenLogged = true;
  };
  /** A meeting that ended `endedHoursAgo` ago and lasted `hours`, with times written in the student's zone. */
  const meeting = (
    externalId: string,
    studentExternalId: string,
    companyExternalId: string,
    kind: string,
    endedHoursAgo: number,
    hours: number,
    contactExternalIds: string[],
    notes: string,
    extra: Record<string, unknown> = {},
  ) => {
    const zone = zoneOf.get(studentExternalId)!;
    const end = now.minus({ hours: endedHoursAgo }).setZone(zone).startOf('minute');
    put(`${kind.toLowerCase()} ${externalId}`, `/v1/interactions/${externalId}`, {
      studentExternalId,
      companyExternalId,
      kind,
      occurredAt: end.minus({ hours }).toISO({ suppressMilliseconds: true }),
      endedAt: end.toISO({ suppressMilliseconds: true }),
      contactExternalIds,
      notes,
      ...extra,
    });
    return end;
  };
  const followUp = (
    externalId: string,
    interactionExternalId: string,
    sentAt: DateTime,
    channel: string,
    note: string,
  ) =>
    put(`follow-up ${externalId}`, `/v1/follow-ups/${externalId}`, {
      interactionExternalId,
      channel,
      sentAt: sentAt.toISO({ suppressMilliseconds: true }),
      note,
    });

  // 佐藤: an interview this morning (thank-you DUE) and an information session yesterday (LATE).
  meeting(
    'int-sato-interview',
    'stu-sato',
    'co-sample-shoji',
    'INTERVIEW',
    5,
    1,
    ['ct-yamada', 'ct-suzuki'],
    '海外営業の仕事内容と若手社員の育成制度',
    {
      resultExpectedBy: now.setZone('Asia/Tokyo').plus({ days: 7 }).toISODate(),
    },
  );
  meeting(
    'int-sato-session',
    'stu-sato',
    'co-mirai-tech',
    'INFO_SESSION',
    30,
    2,
    ['ct-kato'],
    'クラウド事業の今後の展開',
  );
  // 高橋: a career fair five days ago (OVERDUE), an interview answered by e-mail, and a second interview whose
  // promised result date has passed (a check-in is due).
  meeting(
    'int-takahashi-fair',
    'stu-takahashi',
    'co-sample-shoji',
    'CAREER_FAIR',
    5 * 24,
    3,
    ['ct-yamada'],
    '総合職のキャリアパス',
  );
  const techInterview = meeting(
    'int-takahashi-interview',
    'stu-takahashi',
    'co-mirai-tech',
    'INTERVIEW',
    50,
    1,
    ['ct-kato'],
    'AI開発チームの体制',
    {
      outcome: 'PASSED',
    },
  );
  followUp(
    'fu-takahashi-thanks',
    'int-takahashi-interview',
    techInterview.plus({ hours: 3 }),
    'EMAIL',
    '面接当日の夜にお礼メールを送信',
  );
  const secondRound = meeting(
    'int-takahashi-final',
    'stu-takahashi',
    'co-harbor',
    'INTERVIEW',
    9 * 24,
    1,
    ['ct-lee'],
    'Case interview on market entry',
    {
      resultExpectedBy: now.setZone('Asia/Tokyo').minus({ days: 2 }).toISODate(),
    },
  );
  followUp(
    'fu-takahashi-final-thanks',
    'int-takahashi-final',
    secondRound.plus({ hours: 4 }),
    'EMAIL',
    'Thank-you sent the same day',
  );
  // 伊藤: an OB/OG visit yesterday, already thanked by phone (nothing to remind).
  const visit = meeting(
    'int-ito-visit',
    'stu-ito',
    'co-sample-shoji',
    'NETWORKING',
    20,
    1,
    ['ct-suzuki'],
    '入社後の海外赴任について',
  );
  followUp('fu-ito-thanks', 'int-ito-visit', visit.plus({ hours: 2 }), 'PHONE', 'お電話でお礼を伝えた');
  // 中村 (on exchange abroad): an online interview three hours ago (DUE).
  meeting(
    'int-nakamura-interview',
    'stu-nakamura',
    'co-sample-shoji',
    'INTERVIEW',
    3,
    1,
    ['ct-yamada'],
    'オンライン面接：志望動機と留学経験',
  );
  previewWhenLogged('int-nakamura-interview');
  // Miller: an interview four hours ago (DUE) and a career fair three days ago (LATE).
  meeting(
    'int-miller-interview',
    'stu-miller',
    'co-northwind',
    'INTERVIEW',
    4,
    1,
    ['ct-smith'],
    'the data platform team and the onboarding program',
    {
      resultExpectedBy: now.setZone('America/New_York').plus({ days: 10 }).toISODate(),
    },
  );
  previewWhenLogged('int-miller-interview');
  meeting(
    'int-miller-fair',
    'stu-miller',
    'co-sample-shoji',
    'CAREER_FAIR',
    3 * 24,
    4,
    ['ct-yamada'],
    'the global trainee program',
  );
  // Garcia: an information session four days ago (OVERDUE) and an interview thanked the same evening.
  meeting(
    'int-garcia-session',
    'stu-garcia',
    'co-harbor',
    'INFO_SESSION',
    4 * 24,
    2,
    ['ct-lee'],
    'how consultants are staffed on projects',
  );
  const garciaInterview = meeting(
    'int-garcia-interview',
    'stu-garcia',
    'co-northwind',
    'INTERVIEW',
    26,
    1,
    ['ct-smith'],
    'analytics internships',
    {
      outcome: 'OFFER',
    },
  );
  followUp(
    'fu-garcia-thanks',
    'int-garcia-interview',
    garciaInterview.plus({ hours: 5 }),
    'EMAIL',
    'Thank-you e-mail',
  );
  // Wilson (on exchange abroad): an information session yesterday (LATE).
  meeting(
    'int-wilson-session',
    'stu-wilson',
    'co-mirai-tech',
    'INFO_SESSION',
    28,
    2,
    ['ct-kato'],
    'the cloud business and English-speaking teams',
  );

  return {
    name: 'サンプル大学 キャリアセンター',
    timezone: 'Asia/Tokyo',
    students,
    advisor: { externalId: 'adv-tanaka', name: '田中 美咲' },
    companyNames: companies.map((c) => c.name),
    requests,
  };
}
