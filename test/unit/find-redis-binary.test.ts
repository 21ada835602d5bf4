import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findRedisBinary,
  packageBuildFolders,
  RedisBinaryNotFoundError,
} from '../../src/shared/embedded-redis/find-redis-binary.js';

function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('findRedisBinary: REDIS_SERVER_BIN, then PATH, then a redis-memory-server build', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rg-find-redis-'));
  const onPath = executable(path.join(root, 'bin', 'redis-server'));
  const explicit = executable(path.join(root, 'custom', 'redis-server'));
  const project = path.join(root, 'project');
  const built = executable(
    path.join(project, 'node_modules/.cache/redis-memory-server/redis-binaries/7.2.4/redis-server'),
  );
  const folders = packageBuildFolders(project, path.join(root, 'home'));
  const noPath = path.join(root, 'empty');

  it('takes REDIS_SERVER_BIN first, and reports it when it is wrong instead of looking elsewhere', () => {
    expect(
      findRedisBinary({ explicit, searchPath: path.dirname(onPath), packageBuildFolders: folders }),
    ).toBe(explicit);
    expect(() =>
      findRedisBinary({
        explicit: path.join(root, 'nope'),
        searchPath: path.dirname(onPath),
        packageBuildFolders: folders,
      }),
    ).toThrow(/REDIS_SERVER_BIN=.*nope is not an executable file/);
  });

  it('then the first redis-server on PATH', () => {
    const searchPath = [noPath, path.dirname(onPath)].join(path.delimiter);
    expect(findRedisBinary({ explicit: undefined, searchPath, packageBuildFolders: folders })).toBe(onPath);
  });

  it('then the binary redis-memory-server built under node_modules/.cache', () => {
    expect(findRedisBinary({ explicit: undefined, searchPath: noPath, packageBuildFolders: folders })).toBe(
      built,
    );
  });

  it('and with none of them, one line naming every way to get one', () => {
    const error = (() => {
      try {
        findRedisBinary({ explicit: undefined, searchPath: noPath, packageBuildFolders: [] });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RedisBinaryNotFoundError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    for (const fix of [
      'apt-get install redis-server',
      'brew install redis',
      'REDIS_SERVER_BIN=',
      'REDIS_URL=',
    ])
      expect(message).toContain(fix);
  });
});
