import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where file-mode mail goes: `<dataDir>/outbox/`. */
export function emlDirectory(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

/** The file a message is written to: named after its Message-ID, never after its recipient. */
export function emlFilePath(dataDir: string, messageId: string): string {
  const base = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(emlDirectory(dataDir), `${base}.eml`);
}

/**
 * Writes one message under `<dataDir>/outbox/`. The file name comes from the
 * deterministic Message-ID, so a re-send of the same outbox row overwrites its
 * file instead of adding another; the temp-then-rename keeps readers from ever
 * seeing half a message.
 */
export async function writeEmlFile(dataDir: string, messageId: string, message: Buffer): Promise<string> {
  await mkdir(emlDirectory(dataDir), { recursive: true });
  const file = emlFilePath(dataDir, messageId);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, message, { mode: 0o600 });
  await rename(temp, file);
  return file;
}

/** Deletes a message's file (the runner left: docs/disconnect.md); true when there was one. */
export async function deleteEmlFile(dataDir: string, messageId: string): Promise<boolean> {
  const file = emlFilePath(dataDir, messageId);
  try {
    await rm(file);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
}
