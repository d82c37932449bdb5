// The built docs page (npm run bundle && npm run docs first) must be self-contained and show
// every operation with its provenance.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const html = fs.readFileSync(path.join(root, 'dist/docs/index.html'), 'utf8');
const spec = JSON.parse(fs.readFileSync(path.join(root, 'dist/openapi.json'), 'utf8'));

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];
const operations = Object.values(spec.paths as Record<string, Record<string, any>>).flatMap((item) =>
  METHODS.filter((m) => item[m]).map((m) => item[m]),
);

describe('docs page', () => {
  it('loads nothing from non-local hosts', () => {
    const external = [
      ...html.matchAll(/(?:\b(?:src|href|srcset)\s*=\s*\\?["'`]?|url\(\s*["'`]?)(https?:\/\/([^/\s"'`)<>:]+)[^\s"'`)<>]*)/gi),
    ]
      .filter((m) => !['localhost', '127.0.0.1'].includes(m[2].toLowerCase()))
      .map((m) => m[1]);
    expect(external).toEqual([]);
    expect(html).not.toMatch(/cdn\.redoc(ly)?\.(ly|com)/);
  });

  it('contains every operation of the bundle', () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const op of operations) expect(html).toContain(op.operationId);
  });

  it("shows each operation's provenance", () => {
    for (const op of operations) {
      expect(['documented', 'partial', 'inferred']).toContain(op['x-chekt-provenance']);
      const line = `**Provenance: ${op['x-chekt-provenance']}.**`;
      const i = html.indexOf(`"operationId":"${op.operationId}"`);
      expect(i, op.operationId).toBeGreaterThan(-1);
      // The decorator prepends the line to the description that follows the operationId.
      const descStart = html.indexOf('"description":"', i);
      expect(html.slice(descStart + 15, descStart + 15 + line.length), op.operationId).toBe(line);
    }
  });
});
