import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from './date-time.scalar.js';

@ObjectType({ description: 'One read of a student record (append-only; ids only, no personal values).' })
export class AuditEntry {
  @Field(() => ID, { description: "The entry's id." }) id!: string;
  @Field({ description: 'Who read it: `api-key:<id>` or `advisor:<externalId>`.' }) actor!: string;
  @Field({
    description:
      'The reader’s role: `portal` (an API key on REST), `advisor`, or `director` (also an API key on GraphQL).',
  })
  role!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The student whose record was read; null once the student was erased.',
  })
  studentExternalId!: string | null;
  @Field({
    description:
      'What read it, e.g. `graphql:student`, `graphql:studentsMissingFollowUps` or `rest:students.read`.',
  })
  operation!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The X-Request-Id of the request that read it, to match the service’s logs; null if unknown.',
  })
  requestId!: string | null;
  @Field(() => DateTimeScalar, { description: 'When it was read.' }) at!: Date;
}

@ObjectType({ description: 'A page of audit entries, newest first.' })
export class AuditLogPage {
  @Field(() => [AuditEntry], { description: 'The page: at most `first` entries.' }) entries!: AuditEntry[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for older entries; null on the last page.',
  })
  nextCursor!: string | null;
}
