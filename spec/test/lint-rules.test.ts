// Each custom lint rule is checked against a fixture that violates it (and only it), linted by
// the real CLI with the project's config (test/fixtures/redocly.yaml extends ../../redocly.yaml).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const redocly = path.join(root, 'node_modules', '.bin', 'redocly');

interface Problem { ruleId: string; severity: string; message: string }

async function lint(args: string[]): Promise<Problem[]> {
  // redocly exits 1 when it finds errors; the JSON report is on stdout either way.
  const { stdout } = await run(redocly, ['lint', ...args, '--format=json'], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' },
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return (JSON.parse(stdout) as { problems: Problem[] }).problems;
}

const lintFixture = (name: string) =>
  lint([`test/fixtures/${name}.yaml`, '--config', 'test/fixtures/redocly.yaml', '--lint-config', 'off']);

const cases: Array<[fixture: string, rule: string, count: number]> = [
  ['provenance-missing', 'rule/operation-provenance', 1],
  ['provenance-invalid', 'rule/operation-provenance', 1],
  ['operation-id-casing', 'rule/operation-id-camel-case', 1],
  ['property-casing', 'rule/schema-property-snake-case', 2],
  ['trace-id-missing', 'chekt/trace-id-parameter', 2],
  ['idempotency-key-missing', 'chekt/idempotency-key-on-writes', 1],
  ['error-schema', 'chekt/error-response-schema', 3],
];

describe('custom lint rules', () => {
  it('the valid fixture has no problems', async () => {
    expect(await lintFixture('valid')).toEqual([]);
  });

  it.concurrent.each(cases)('%s reports only %s', async (fixture, rule, count) => {
    const problems = await lintFixture(fixture);
    expect(problems.map((p) => p.ruleId)).toEqual(Array(count).fill(rule));
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('the real spec lints with zero errors and zero warnings', async () => {
    expect(await lint(['partner-api'])).toEqual([]);
  });
});
