import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler, Router } from 'express';
import type { Queues } from '../../jobs/queues.js';

const BASE_PATH = '/admin/queues';

/** Compares hashes so neither length nor content leaks through timing (reliability.md F.42). */
function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function requireBasicAuth(password: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    const supplied = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const suppliedPassword = supplied.slice(supplied.indexOf(':') + 1);
    if (supplied.includes(':') && safeEqual(suppliedPassword, password)) return next();
    res.set('WWW-Authenticate', 'Basic realm="RampGuard queues", charset="UTF-8"');
    res.status(401).type('text/plain').send('Authentication required');
  };
}

/** The BullMQ dashboard, only when ADMIN_PASSWORD is set. */
export function createDashboard(queues: Queues): { path: string; router: Router } {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BASE_PATH);
  createBullBoard({ queues: Object.values(queues).map((q) => new BullMQAdapter(q)), serverAdapter });
  return { path: BASE_PATH, router: serverAdapter.getRouter() as Router };
}
