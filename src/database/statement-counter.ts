import type { Counter } from 'prom-client';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * A TypeORM logger that logs nothing and counts every SQL statement sent (transaction control included), as
 * the `db_statements_total` metric: how the N+1 test and the advisor benchmark count statements per request.
 */
export class StatementCounter implements TypeOrmLogger {
  constructor(private readonly statements: Counter) {}

  logQuery(): void {
    this.statements.inc();
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
