import { renderDraft, type DraftInput } from './drafts.js';
import { INTERACTION_KINDS } from './policy.js';

const base: DraftInput = {
  locale: 'ja',
  purpose: 'THANK_YOU',
  kind: 'INTERVIEW',
  studentName: '山田 太郎',
  companyName: '株式会社サンプル商事',
  contacts: [{ name: '山田', title: '人事部' }],
  occurredAt: new Date('2026-11-26T15:30:00Z'), // 00:30 on the 27th in Tokyo
  timezone: 'Asia/Tokyo',
  notes: '若手社員の働き方と\n海外研修制度',
};

describe('rule 10: drafts', () => {
  it('ja thank-you follows business-mail form with the exact names, the local date and the topics', () => {
    const draft = renderDraft(base);
    expect(draft.subject).toBe('【御礼】2026年11月27日の面接のお礼（山田 太郎）');
    expect(draft.text.split('\n')[0]).toBe('株式会社サンプル商事 人事部 山田様');
    expect(draft.text).toContain('2026年11月27日の面接では');
    expect(draft.text).toContain('「若手社員の働き方と 海外研修制度」');
    expect(draft.text).toMatchSnapshot();
  });

  it('en thank-you: "Dear Ms. Yamada" from an honorific title, else the full name', () => {
    const honorific = renderDraft({
      ...base,
      locale: 'en',
      contacts: [{ name: 'Hanako Yamada', title: 'Ms.' }],
      timezone: 'America/New_York',
    });
    expect(honorific.text.split('\n')[0]).toBe('Dear Ms. Yamada,');
    expect(honorific.text).toContain('株式会社サンプル商事 on November 26, 2026');
    expect(honorific.text).toMatchSnapshot();
    const latinName = renderDraft({
      ...base,
      locale: 'en',
      contacts: [{ name: '山田 花子', nameLatin: 'Hanako Yamada', title: 'Ms' }],
    });
    expect(latinName.text.split('\n')[0]).toBe('Dear Ms. Yamada,');
    const noHonorific = renderDraft({
      ...base,
      locale: 'en',
      contacts: [{ name: 'Hanako Yamada', title: 'HR Manager' }],
    });
    expect(noHonorific.text.split('\n')[0]).toBe('Dear Hanako Yamada,');
    const two = renderDraft({
      ...base,
      locale: 'en',
      contacts: [
        { name: 'Hanako Yamada', title: 'Ms.' },
        { name: 'Ken Sato', title: null },
      ],
    });
    expect(two.text.split('\n')[0]).toBe('Dear Ms. Yamada and Ken Sato,');
  });

  it('addresses the company when no contact is known', () => {
    expect(renderDraft({ ...base, contacts: [] }).text.split('\n')[0]).toBe(
      '株式会社サンプル商事 採用ご担当者様',
    );
    expect(renderDraft({ ...base, locale: 'en', contacts: [] }).text.split('\n')[0]).toBe(
      'Dear Hiring Team at 株式会社サンプル商事,',
    );
  });

  it('check-ins are polite and name the meeting', () => {
    const jaCheckIn = renderDraft({ ...base, purpose: 'CHECK_IN' });
    expect(jaCheckIn.subject).toBe('2026年11月27日の面接の選考結果について（山田 太郎）');
    expect(jaCheckIn.text).toContain('株式会社サンプル商事 人事部 山田様');
    expect(jaCheckIn.text).toMatchSnapshot();
    const enCheckIn = renderDraft({
      ...base,
      purpose: 'CHECK_IN',
      locale: 'en',
      contacts: [{ name: 'Hanako Yamada', title: 'Ms.' }],
    });
    expect(enCheckIn.subject).toBe('Following up on my interview on November 27, 2026');
    expect(enCheckIn.text).toContain('interview at 株式会社サンプル商事');
  });

  it.each(
    INTERACTION_KINDS.flatMap((kind) =>
      (['ja', 'en'] as const).flatMap((locale) =>
        (['THANK_YOU', 'CHECK_IN'] as const).map((purpose) => [kind, locale, purpose] as const),
      ),
    ),
  )(
    '%s %s %s: renders with company, contact and date, and no leftover placeholders',
    (kind, locale, purpose) => {
      const draft = renderDraft({
        ...base,
        kind,
        locale,
        purpose,
        contacts: [{ name: 'Hanako Yamada', title: 'Ms.' }],
      });
      expect(draft.text).toContain(
        locale === 'ja' ? '株式会社サンプル商事 Hanako Yamada様' : 'Dear Ms. Yamada,',
      );
      expect(`${draft.subject}${draft.text}`).not.toMatch(/{{|}}|undefined|null/);
      expect(draft.subject.length).toBeGreaterThan(5);
    },
  );

  describe('English drafts name people in Latin script only', () => {
    const en = { ...base, locale: 'en' as const };
    const firstLine = (input: Partial<DraftInput>) => renderDraft({ ...en, ...input }).text.split('\n')[0];

    it('greet and sign with nameLatin when the portal gave one', () => {
      const draft = renderDraft({
        ...en,
        studentNameLatin: 'Taro Yamada',
        contacts: [{ name: '山田 一郎', nameLatin: 'Ichiro Yamada', title: '人事部 課長' }],
      });
      expect(draft.text.split('\n')[0]).toBe('Dear Ichiro Yamada,');
      expect(draft.text).toMatch(/Kind regards,\nTaro Yamada\n$/);
      expect(draft.text).not.toContain('山田');
      expect(
        firstLine({ contacts: [{ name: '山田 花子', nameLatin: ' Hanako Yamada ', title: 'Ms.' }] }),
      ).toBe('Dear Ms. Yamada,');
      // Japanese drafts are unchanged by nameLatin.
      const withLatin = renderDraft({
        ...base,
        studentNameLatin: 'Taro Yamada',
        contacts: [{ name: '山田', nameLatin: 'Yamada', title: '人事部' }],
      });
      expect(withLatin).toEqual(renderDraft(base));
    });

    it('without nameLatin, a name not in Latin script is left out of the greeting: the hiring team instead', () => {
      expect(firstLine({ contacts: [{ name: '山田 太郎', title: null }] })).toBe(
        'Dear Hiring Team at 株式会社サンプル商事,',
      );
      expect(firstLine({ contacts: [{ name: '山田 花子', title: 'Ms' }] })).toBe(
        'Dear Hiring Team at 株式会社サンプル商事,',
      );
      expect(firstLine({ contacts: [{ name: '山田 太郎', nameLatin: '  ', title: null }] })).toBe(
        'Dear Hiring Team at 株式会社サンプル商事,',
      );
      // Those with a Latin-script name are still named.
      expect(
        firstLine({
          contacts: [
            { name: '山田 花子', title: 'Ms.' },
            { name: 'José Núñez', title: null },
          ],
        }),
      ).toBe('Dear José Núñez,');
      // The student signs with their name as stored.
      expect(renderDraft(en).text).toMatch(/Kind regards,\n山田 太郎\n$/);
    });
  });

  describe('no doubled punctuation after a name that ends a sentence', () => {
    const company = 'Northwind Analytics Inc.';

    it.each(
      INTERACTION_KINDS.flatMap((kind) =>
        (['THANK_YOU', 'CHECK_IN'] as const).map((purpose) => [kind, purpose] as const),
      ),
    )('en %s %s: "Inc." is not followed by another period', (kind, purpose) => {
      const draft = renderDraft({
        ...base,
        locale: 'en',
        kind,
        purpose,
        companyName: company,
        contacts: [],
      });
      expect(`${draft.subject}\n${draft.text}`).not.toMatch(/\.\./);
      expect(draft.text).toContain('Dear Hiring Team at Northwind Analytics Inc.,');
    });

    it('en: the sentence ends with the name\'s own period, "!", "?" or the cut topics\' ellipsis; ja as before', () => {
      const interview = renderDraft({ ...base, locale: 'en', companyName: company });
      expect(interview.text).toContain('the opportunity to join Northwind Analytics Inc.\n');
      expect(interview.text).toContain('interview me at Northwind Analytics Inc. on November');
      expect(renderDraft({ ...base, locale: 'en', kind: 'OTHER', companyName: 'Yahoo!' }).text).toContain(
        'staying in touch with Yahoo!\n',
      );
      const topics = (notes: string) => renderDraft({ ...base, locale: 'en', notes }).text;
      expect(topics('How the team works.')).toContain('about How the team works.\n');
      expect(topics('Is remote work possible?')).toContain('about Is remote work possible?\n');
      expect(topics('a'.repeat(200))).toMatch(/a…\n/);
      // A value without its own full stop still gets the template's.
      expect(topics('x')).toContain('about x.\n');
      // Japanese: a name ending in "." is followed by the template as before.
      const ja = renderDraft({ ...base, companyName: company, contacts: [] });
      expect(ja.text.split('\n')[0]).toBe('Northwind Analytics Inc. 採用ご担当者様');
      const named = renderDraft({ ...base, companyName: company });
      expect(named.text.split('\n')[0]).toBe('Northwind Analytics Inc. 人事部 山田様');
      expect(named.text.replace(/Northwind Analytics Inc\./g, '株式会社サンプル商事')).toBe(
        renderDraft(base).text,
      );
    });
  });

  it('keeps HTML-like text as it is (drafts are plain text)', () => {
    expect(renderDraft({ ...base, companyName: 'A&B <Japan> 株式会社' }).text).toContain(
      'A&B <Japan> 株式会社',
    );
  });

  it('cuts long notes between characters, never inside an emoji (half a pair is invalid in jsonb)', () => {
    for (let pad = 110; pad < 125; pad++) {
      const draft = renderDraft({ ...base, notes: `${'あ'.repeat(pad)}${'😀'.repeat(20)}` });
      expect(() => encodeURIComponent(draft.text)).not.toThrow(); // throws URIError on a lone surrogate
    }
  });
});
