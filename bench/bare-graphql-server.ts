/**
 * A reference for bench:advisors, not part of the service: the same page query over HTTP with nothing but
 * node:http, graphql-js and one pg connection. It runs the resolver's exact statement for one advisor (env
 * BARE_CENTER, BARE_CASELOAD, BARE_ACTOR), builds the page as the service does and lets graphql-js execute the
 * benchmark's query against a schema of the same names. No authentication, rate limit, logging, metrics,
 * hardening or error handling: what is left is the floor any HTTP + GraphQL stack pays on the machine, so the
 * benchmark can show how much of a request's overhead Express, Nest, Apollo and those features add.
 */
import * as http from 'node:http';
import { buildSchema, execute, parse, validate, type DocumentNode } from 'graphql';
import pg from 'pg';
import {
  MISSING_FOLLOW_UPS_SQL,
  missingFollowUpsParams,
} from '../src/advisors-api/queries/missing-follow-ups.repository.js';
import { encodePageCursor } from '../src/advisors-api/queries/page-cursor.js';
import { urgencyAt } from '../src/follow-ups/domain/gaps.js';

const schema = buildSchema(`
  type Query { studentsMissingFollowUps(filter: MissingFollowUpsFilter, first: Int, after: String): StudentGapConnection! }
  input MissingFollowUpsFilter { kinds: [String!] }
  type StudentGapConnection { totalCount: Int! totalCountIsExact: Boolean! edges: [StudentGapEdge!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type StudentGapEdge { cursor: String! node: StudentGaps! }
  type StudentGaps { student: Student! gaps: [Gap!]! }
  type Student { externalId: String name: String advisor: Advisor }
  type Advisor { name: String! }
  type Gap { id: ID! purpose: String! urgency: String! overdueAt: String! remindersSent: Int! interaction: Interaction! }
  type Interaction { externalId: String! kind: String! company: Company! }
  type Company { name: String! }
`);

/** The statement's JSON rows, as pg parsed them: only the fields this server reads are typed. */
type Row = { id: string } & Record<string, unknown>;
type GapRow = Row & { studentId: string; interactionId: string; idealBy: string; overdueAt: string };
interface PageRow {
  total: number;
  total_exact: boolean;
  as_of: string;
  page: { studentId: string; sortKey: string }[];
  students: (Row & { advisorId: string | null })[];
  advisors: Row[];
  gaps: GapRow[];
  interactions: (Row & { companyId: string })[];
  companies: Row[];
}

const env = (name: string) => process.env[name] ?? '';
const centerId = env('BARE_CENTER');
const viewer = {
  centerId,
  caseloadOf: env('BARE_CASELOAD'),
  audit: { centerId, actor: env('BARE_ACTOR'), role: 'advisor' as const, requestId: null },
};
const db = new pg.Client({ connectionString: env('DATABASE_URL') });
await db.connect();

const byId = <T extends Row>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));

const rootValue = {
  async studentsMissingFollowUps({ first }: { first: number }) {
    const now = new Date();
    const {
      rows: [result],
    } = await db.query<PageRow>(
      MISSING_FOLLOW_UPS_SQL,
      missingFollowUpsParams(viewer, null, first, null, now),
    );
    const advisors = byId(result.advisors);
    const companies = byId(result.companies);
    const interactions = byId(result.interactions);
    const students = byId(result.students);
    const gapsOf = new Map<string, object[]>();
    for (const gap of result.gaps) {
      const interaction = interactions.get(gap.interactionId)!;
      const dates = { idealBy: new Date(gap.idealBy), overdueAt: new Date(gap.overdueAt) };
      const shown = {
        ...gap,
        overdueAt: dates.overdueAt.toISOString(),
        urgency: urgencyAt(dates, now),
        interaction: { ...interaction, company: companies.get(interaction.companyId) },
      };
      const gaps = gapsOf.get(gap.studentId) ?? [];
      gaps.push(shown);
      gapsOf.set(gap.studentId, gaps);
    }
    const edges = result.page.slice(0, first).map((p) => {
      const student = students.get(p.studentId)!;
      return {
        cursor: encodePageCursor({ asOf: result.as_of, urgencyAt: now.toISOString(), ...p }),
        node: {
          student: { ...student, advisor: student.advisorId ? advisors.get(student.advisorId) : null },
          gaps: gapsOf.get(p.studentId) ?? [],
        },
      };
    });
    return {
      totalCount: result.total,
      totalCountIsExact: result.total_exact,
      edges,
      pageInfo: { hasNextPage: result.page.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  },
};

const documents = new Map<string, DocumentNode>();
const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.end('ready'); // the readiness probe
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => void respond(Buffer.concat(chunks).toString('utf8'), res));
});
server.listen(Number(env('PORT')), '127.0.0.1');

async function respond(text: string, res: http.ServerResponse): Promise<void> {
  const body = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
  let document = documents.get(body.query);
  if (!document) {
    document = parse(body.query);
    const errors = validate(schema, document);
    if (errors.length) throw errors[0];
    documents.set(body.query, document);
  }
  const result = await execute({ schema, document, rootValue, variableValues: body.variables });
  const answer = JSON.stringify(result);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
  res.end(answer);
}
