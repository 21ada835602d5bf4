import { outboxMessageId } from '../../email/links/message-id.js';
import { deleteEmlFile } from '../../email/transport/eml-file.js';
import type { CleanupStep } from './cleanup-step.js';

/**
 * File-mode mail (no SMTP_URL: `DATA_DIR/outbox/*.eml`) holds the runner's
 * address and first name. Files are named after Message-IDs, which derive from
 * outbox row ids: every row the runner had, sent or not (a crash can leave a
 * written file without its stamp), plus any Message-ID stamped under an
 * earlier database lifetime.
 */
export const removeMailFiles: CleanupStep = {
  name: 'mail files',
  async run(deps, trace) {
    const lifetime = deps.database.lifetime.id();
    const messageIds = new Set([
      ...trace.messageIds,
      ...trace.outboxIds.map((id) => outboxMessageId(deps.config, lifetime, id)),
    ]);
    let removed = 0;
    for (const messageId of messageIds) if (await deleteEmlFile(deps.config.dataDir, messageId)) removed++;
    return removed;
  },
};
