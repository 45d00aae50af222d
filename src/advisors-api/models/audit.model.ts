import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from './date-time.scalar.js';

@ObjectType({ description: 'One read of a student record (append-only; ids only, no personal values).' })
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field({ description: '`api-key:<id>` or `advisor:<externalId>`.' }) actor!: string;
  @Field({ description: 'portal, advisor or director.' }) role!: string;
  @Field(() => String, { nullable: true, description: 'Null once the student was erased.' })
  studentExternalId!: string | null;
  @Field() operation!: string;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => DateTimeScalar) at!: Date;
}

@ObjectType()
export class AuditLogPage {
  @Field(() => [AuditEntry], { description: 'The page: at most `first` entries.' }) entries!: AuditEntry[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for older entries.' })
  nextCursor!: string | null;
}
