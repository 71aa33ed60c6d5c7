import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonRecord, writeJsonRecord } from '../../../lab/cluster/json-record.js';
import { useTempDir } from '../../support/temp-dir.js';

describe('JSON records', () => {
  const tempDir = useTempDir('lab-record-');

  it('round-trips a record, making its directory, leaving no partial file behind', () => {
    const path = join(tempDir(), 'state', 'images.json');
    writeJsonRecord(path, { mode: 'offline', nodeImage: 'kindest/node:x' });
    expect(readJsonRecord(path)).toEqual({ mode: 'offline', nodeImage: 'kindest/node:x' });
    expect(readdirSync(join(tempDir(), 'state'))).toEqual(['images.json']);
  });

  it('reads a missing or torn record as none', () => {
    const path = join(tempDir(), 'record.json');
    expect(readJsonRecord(path)).toBeUndefined();
    writeFileSync(path, '{"mode": "off');
    expect(existsSync(path)).toBe(true);
    expect(readJsonRecord(path)).toBeUndefined();
  });
});
