import type { Knex } from '@inventory/core';

/**
 * The locations in `inventory_location` (docs/locations.md): the durable list. The live store's
 * registry (the active ones, per shard) is published from it after every change.
 */

const TABLE = 'inventory_location';

export interface Location {
  locationId: string;
  name: string;
  priority: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

interface LocationRecord {
  location_id: string;
  name: string;
  priority: number;
  active: number | boolean;
  created_at: Date;
  updated_at: Date;
}

function toLocation(r: LocationRecord): Location {
  return {
    locationId: r.location_id,
    name: r.name,
    priority: r.priority,
    active: Boolean(r.active),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface LocationRepository {
  /** Every location, by priority then id (the sourcing order). */
  list(): Promise<Location[]>;
  get(locationId: string): Promise<Location | null>;
  /** false when the id is taken (active or not): nothing is changed then. */
  create(location: Pick<Location, 'locationId' | 'name' | 'priority'>, now: Date): Promise<boolean>;
  setActive(locationId: string, active: boolean, now: Date): Promise<void>;
  /**
   * Runs `fn` with every location row locked (SELECT … FOR UPDATE in one transaction), so two
   * location changes, on any API pod, never interleave their registry publications.
   */
  exclusive<T>(fn: (locked: LocationRepository) => Promise<T>): Promise<T>;
}

export function createLocationRepository(deps: { knex: Knex | Knex.Transaction }): LocationRepository {
  const { knex } = deps;
  return {
    async exclusive(fn) {
      if (knex.isTransaction) return fn(this);
      return (knex as Knex).transaction(async (trx) => {
        await trx(TABLE).select('location_id').forUpdate();
        return fn(createLocationRepository({ knex: trx }));
      });
    },
    async list() {
      const rows = await knex<LocationRecord>(TABLE).orderBy([
        { column: 'priority' },
        { column: 'location_id' },
      ]);
      return rows.map(toLocation);
    },
    async get(locationId) {
      const row = await knex<LocationRecord>(TABLE).where('location_id', locationId).first();
      return row ? toLocation(row) : null;
    },
    async create(location, now) {
      const [result] = await knex.raw(
        `INSERT IGNORE INTO ${TABLE} (location_id, name, priority, active, created_at, updated_at)
         VALUES (?, ?, ?, TRUE, ?, ?)`,
        [location.locationId, location.name, location.priority, now, now],
      );
      return (result as { affectedRows: number }).affectedRows === 1;
    },
    async setActive(locationId, active, now) {
      await knex(TABLE).where('location_id', locationId).update({ active, updated_at: now });
    },
  };
}
