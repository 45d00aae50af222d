import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Revoked keys are kept this long so operators can still see which key a past request used. */
const REVOKED_KEY_RETENTION = '30 days';

@Injectable()
export class HousekeepingService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async pruneRevokedApiKeys(now: Date): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM api_keys WHERE revoked_at < $1::timestamptz - $2::interval`,
      [now.toISOString(), REVOKED_KEY_RETENTION],
    );
    return result[1];
  }
}
