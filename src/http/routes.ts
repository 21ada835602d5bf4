import type { AppDeps } from '../app/deps.js';
import type { Mount } from './app.js';

/** Every feature router of the web role, in mount order. */
export function createRoutes(_deps: AppDeps): Mount[] {
  return [];
}
