import type { EntityManager } from 'typeorm';

/** Nothing the rest of the transaction runs can write: a preview's guarantee that it stores nothing. */
export async function readOnlyTransaction(manager: EntityManager): Promise<void> {
  await manager.query(`SET TRANSACTION READ ONLY`);
}

/** The stored interaction with this external id (not a tombstone): its id and student, or undefined. */
export async function storedInteraction(
  manager: EntityManager,
  centerId: string,
  externalId: string,
): Promise<{ id: string; studentId: string } | undefined> {
  const [row] = await manager.query<{ id: string; student_id: string }[]>(
    `SELECT id, student_id FROM interactions WHERE center_id = $1 AND external_id = $2`,
    [centerId, externalId],
  );
  return row && { id: row.id, studentId: row.student_id };
}

/** The external ids of the students' interactions (not tombstones), by id. */
export async function interactionExternalIds(
  manager: EntityManager,
  centerId: string,
  studentIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await manager.query<{ id: string; external_id: string }[]>(
    `SELECT id, external_id FROM interactions
     WHERE center_id = $1 AND student_id = ANY($2::uuid[]) AND external_id IS NOT NULL`,
    [centerId, studentIds],
  );
  return new Map(rows.map((r) => [r.id, r.external_id]));
}

/** What a draft names, read as the dispatcher reads it: the student, the company, the contacts in order. */
export interface DraftSubjects {
  student: { name: string; nameLatin: string | null; locale: 'ja' | 'en'; timezone: string };
  companyName: string;
  contacts: { name: string; nameLatin: string | null; title: string | null }[];
}

export async function draftSubjects(
  manager: EntityManager,
  centerId: string,
  studentId: string,
  companyId: string,
  contactIds: string[],
): Promise<DraftSubjects> {
  const [row] = await manager.query<
    {
      name: string;
      name_latin: string | null;
      locale: 'ja' | 'en';
      timezone: string;
      company_name: string;
      contacts: DraftSubjects['contacts'];
    }[]
  >(
    `SELECT s.name, s.name_latin, s.locale, s.timezone, co.name AS company_name,
            coalesce((SELECT json_agg(json_build_object('name', ct.name, 'nameLatin', ct.name_latin, 'title', ct.title) ORDER BY m.n)
                      FROM unnest($4::uuid[]) WITH ORDINALITY AS m(id, n) JOIN contacts ct ON ct.id = m.id), '[]') AS contacts
     FROM students s JOIN companies co ON co.id = $3 AND co.center_id = $1
     WHERE s.center_id = $1 AND s.id = $2`,
    [centerId, studentId, companyId, contactIds],
  );
  return {
    student: { name: row.name, nameLatin: row.name_latin, locale: row.locale, timezone: row.timezone },
    companyName: row.company_name,
    contacts: row.contacts,
  };
}
