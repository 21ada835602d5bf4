import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes one message under `<dataDir>/outbox/`. The file name comes from the
 * deterministic Message-ID, so a re-send of the same outbox row overwrites its
 * file instead of adding another; the temp-then-rename keeps readers from ever
 * seeing half a message.
 */
export async function writeEmlFile(dataDir: string, messageId: string, message: Buffer): Promise<string> {
  const dir = path.join(dataDir, 'outbox');
  await mkdir(dir, { recursive: true });
  const base = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
  const file = path.join(dir, `${base}.eml`);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, message, { mode: 0o600 });
  await rename(temp, file);
  return file;
}
