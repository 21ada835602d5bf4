import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { Queues } from '../../jobs/queues.js';

const BASE_PATH = '/admin/queues';

/** The BullMQ dashboard, only when ADMIN_PASSWORD is set. */
export function createDashboard(queues: Queues): { path: string; router: Router } {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BASE_PATH);
  createBullBoard({ queues: Object.values(queues).map((q) => new BullMQAdapter(q)), serverAdapter });
  return { path: BASE_PATH, router: serverAdapter.getRouter() as Router };
}
