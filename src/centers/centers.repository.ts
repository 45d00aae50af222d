import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The centers table. A center is the tenant itself, so nothing here is scoped by one. */
@Injectable()
export class CentersRepository {
  /** Stores a new center, in the caller's transaction. */
  async insert(
    manager: EntityManager,
    center: { name: string; timezone: string },
  ): Promise<{ id: string; name: string; timezone: string; createdAt: Date }> {
    const [row] = await manager.query<{ id: string; name: string; timezone: string; createdAt: Date }[]>(
      `INSERT INTO centers (name, timezone) VALUES ($1, $2) RETURNING id, name, timezone, created_at AS "createdAt"`,
      [center.name, center.timezone],
    );
    return row;
  }
}
