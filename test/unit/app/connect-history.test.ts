import { describe, expect, it } from 'vitest';
import { historyOnReconnect } from '../../../src/app/connect-runner.js';

const ALL = ['read', 'activity:read_all', 'profile:read_all'];

describe('historyOnReconnect', () => {
  it.each([
    {
      label: 'signing in again keeps the history (a run syncing meanwhile still alerts)',
      prior: { disconnectedAt: null, scopes: ALL.join(',') },
      granted: ALL,
      history: 'keep',
    },
    {
      label: 'a reconnect after a disconnect starts a new history',
      prior: { disconnectedAt: new Date(), scopes: ALL.join(',') },
      granted: ALL,
      history: 'new',
    },
    {
      label: 'newly granting private activities makes the next read history (old private runs appear)',
      prior: { disconnectedAt: null, scopes: 'read,activity:read' },
      granted: ['read', 'activity:read_all'],
      history: 'reread',
    },
    {
      label: 'granting fewer scopes keeps the history',
      prior: { disconnectedAt: null, scopes: ALL.join(',') },
      granted: ['read', 'activity:read'],
      history: 'keep',
    },
  ])('$label', ({ prior, granted, history }) => {
    expect(historyOnReconnect(prior, granted)).toBe(history);
  });
});
