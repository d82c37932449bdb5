// A second opinion on the bundle beside Redocly's lint: Spectral's stock `spectral:oas` rules and a
// strict Ajv (JSON Schema 2020-12) compile of every schema in it, both with zero findings. Each is
// also shown a broken copy of the bundle, to prove it can fail.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundleFile = path.join(root, 'dist', 'openapi.json');
const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'second-opinion-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the bundle with one edit, written to a temp file. */
function brokenBundle(name: string, edit: (spec: any) => void): { spec: any; file: string } {
  const spec = structuredClone(bundle);
  edit(spec);
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  return { spec, file };
}

interface SpectralFinding { code: string; message: string; path: string[] }
async function spectral(file: string): Promise<SpectralFinding[]> {
  // spectral exits 1 when it finds errors; the JSON report is on stdout either way.
  const args = ['lint', file, '--ruleset', path.join(root, '.spectral.yaml'), '--format', 'json', '--quiet'];
  const { stdout } = await run(path.join(root, 'node_modules', '.bin', 'spectral'), args, { maxBuffer: 32 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`spectral failed without a report: ${error.stderr}`);
      return { stdout: error.stdout };
    },
  );
  return JSON.parse(stdout || '[]');
}

/** JSON pointers (`#/...`) of every Schema Object the bundle holds outside other schemas. */
function schemaLocations(spec: any): string[] {
  const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
  const found: string[] = Object.keys(spec.components?.schemas ?? {}).map((name) => `#/components/schemas/${escape(name)}`);
  // Parameters, headers and media types carry their schema under `schema`.
  const walk = (node: unknown, pointer: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema' && value && typeof value === 'object') found.push(`${pointer}/schema`);
      else walk(value, `${pointer}/${escape(key)}`);
    }
  };
  walk(spec.paths, '#/paths');
  for (const kind of ['parameters', 'headers', 'responses', 'requestBodies']) walk(spec.components?.[kind], `#/components/${kind}`);
  return found;
}

/** Compile every schema with strict Ajv; one message per schema that does not compile. */
function ajvProblems(spec: any): string[] {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  // OpenAPI 3.1's additions to JSON Schema, and our own x- extensions, are annotations for Ajv.
  ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
  const extensions = new Set<string>();
  JSON.stringify(spec, (key, value) => (key.startsWith('x-') && extensions.add(key), value));
  ajv.addVocabulary([...extensions]);
  // The whole document is one resource so that `#/components/...` refs resolve; its top-level
  // OpenAPI fields are not schema keywords.
  ajv.addVocabulary(Object.keys(spec));
  ajv.addSchema({ ...spec, $id: 'openapi.json' });
  const problems: string[] = [];
  for (const pointer of schemaLocations(spec)) {
    try {
      ajv.compile({ $ref: `openapi.json${pointer}` });
    } catch (error) {
      problems.push(`${pointer}: ${(error as Error).message}`);
    }
  }
  return problems;
}

describe('Spectral spectral:oas', () => {
  it('has zero findings on the bundle', async () => {
    expect(await spectral(bundleFile)).toEqual([]);
  });

  it('reports a broken bundle (duplicate operationId)', async () => {
    const { file } = brokenBundle('duplicate-operation-id', (spec) => {
      const [first, second] = Object.values(spec.paths).flatMap((item: any) => Object.values(item).filter((op: any) => op?.operationId)) as any[];
      second.operationId = first.operationId;
    });
    expect((await spectral(file)).map((f) => f.code)).toContain('operation-operationId-unique');
  });
});

describe('strict Ajv compile of every schema', () => {
  it('finds schemas in components and inline in paths', () => {
    const locations = schemaLocations(bundle);
    expect(locations.filter((p) => p.startsWith('#/components/schemas/'))).toHaveLength(Object.keys(bundle.components.schemas).length);
    expect(locations.some((p) => p.startsWith('#/paths/'))).toBe(true);
  });

  it('compiles every schema of the bundle with zero errors', () => {
    expect(ajvProblems(bundle)).toEqual([]);
  });

  it('reports an unknown type and a misspelt keyword, naming the schema', () => {
    const [first, second] = Object.keys(bundle.components.schemas);
    const { spec } = brokenBundle('bad-schemas', (s) => {
      s.components.schemas[first!] = { type: 'intgr' };
      s.components.schemas[second!] = { type: 'integer', maximun: 5 };
    });
    const problems = ajvProblems(spec);
    // Schemas that $ref a broken one fail too, for the same reasons; the broken ones are named.
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^#/components/schemas/${first}: .*type`)));
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^#/components/schemas/${second}: .*maximun`)));
    expect(problems.filter((p) => !/intgr|maximun/.test(p))).toEqual([]);
  });
});
