import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { deleteRevokedApiKeys } from './housekeeping.repository.js';

/** Revoked keys are kept this long so operators can still see which key a past request used. */
const REVOKED_KEY_RETENTION = '30 days';

@Injectable()
export class HousekeepingService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  pruneRevokedApiKeys(now: Date): Promise<number> {
    return deleteRevokedApiKeys(this.dataSource, now, REVOKED_KEY_RETENTION);
  }
}
