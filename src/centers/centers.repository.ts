import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Center } from './center.entity.js';

/** The centers table. A center is the tenant itself, so nothing here is scoped by one. */
@Injectable()
export class CentersRepository {
  /** Stores a new center, in the caller's transaction. */
  insert(manager: EntityManager, center: { name: string; timezone: string }): Promise<Center> {
    return manager.save(manager.create(Center, center));
  }
}
