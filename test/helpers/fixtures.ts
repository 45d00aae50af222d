import type { TestApp, TestCenter } from './test-app.js';

export const advisorBody = {
  name: '佐藤 花子',
  email: 'hanako.sato@career.example.ac.jp',
  timezone: 'Asia/Tokyo',
};
export const studentBody = (advisorExternalId = 'adv-1') => ({
  name: '山田 太郎',
  email: 'taro.yamada@student.example.ac.jp',
  locale: 'ja',
  timezone: 'Asia/Tokyo',
  advisorExternalId,
  graduationYear: 2027,
});
export const companyBody = { name: '株式会社サンプル商事', industry: '商社' };
export const contactBody = {
  name: '山田 一郎',
  title: '人事部 課長',
  email: 'ichiro.yamada@sample-shoji.example.co.jp',
};
export const interactionBody = (overrides: Record<string, unknown> = {}) => ({
  studentExternalId: 'stu-1',
  companyExternalId: 'cmp-1',
  kind: 'INTERVIEW',
  occurredAt: '2026-11-26T10:00:00+09:00',
  endedAt: '2026-11-26T11:00:00+09:00',
  contactExternalIds: ['ct-1'],
  notes: '事業内容と若手社員の働き方について伺った',
  ...overrides,
});

/** adv-1, stu-1 (of adv-1), cmp-1 with contact ct-1, and interaction int-1: the usual starting point. */
export async function seedDirectory(t: TestApp, center: TestCenter): Promise<void> {
  await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
  await t.http.put('/v1/students/stu-1').set(center.auth).send(studentBody()).expect(201);
  await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
  await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
  await t.http.put('/v1/interactions/int-1').set(center.auth).send(interactionBody()).expect(201);
}
