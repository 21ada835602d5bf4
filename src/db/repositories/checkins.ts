import type { Feeling } from '../../domain/types.js';
import type { DbOrTx } from '../client.js';
import { checkIns } from '../schema/index.js';

export type NewCheckIn = { runnerId: string; feeling: Feeling; source: 'page' | 'api' | 'email'; at: Date };

export async function insertCheckIn(tx: DbOrTx, checkIn: NewCheckIn): Promise<{ id: number; at: Date }> {
  const [row] = await tx.insert(checkIns).values(checkIn).returning({ id: checkIns.id, at: checkIns.at });
  return row!;
}
