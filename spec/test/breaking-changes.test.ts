// The breaking-change check: fixture pairs (base.yaml and one edit of it) must be judged right,
// a pending major changeset must be the only way to let a breaking change through, and the
// current bundle must pass against the released baseline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBreakingChanges, pendingBumps } from '../scripts/breaking-changes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const baseFile = path.join(here, 'fixtures', 'breaking', 'base.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'breaking-changes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Spec = any;
/** Writes base.yaml with one edit applied; returns the revision's path. */
function revision(name: string, edit: (spec: Spec) => void): string {
  const spec = parse(fs.readFileSync(baseFile, 'utf8'));
  edit(spec);
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

/** A .changeset folder holding the given changesets (front matter lines). */
function changesets(name: string, ...frontMatters: string[]): string {
  const dir = path.join(tmp, `changesets-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  frontMatters.forEach((fm, i) => fs.writeFileSync(path.join(dir, `change-${i}.md`), `---\n${fm}\n---\n\nA change.\n`));
  return dir;
}
const none = changesets('none');

const breakingPairs: Array<[name: string, rule: string, words: RegExp, edit: (spec: Spec) => void]> = [
  ['removed operation', 'api-removed-without-deprecation', /DELETE \/sites\/\{siteId\} \(deleteSite\)/, (s) => delete s.paths['/sites/{siteId}'].delete],
  ['new required request field', 'new-required-request-property', /site_code/, (s) => {
    s.components.schemas.SiteCreate.properties.site_code = { type: 'string' };
    s.components.schemas.SiteCreate.required.push('site_code');
  }],
  ['removed response field', 'response-optional-property-removed', /timezone/, (s) => delete s.components.schemas.Site.properties.timezone],
  ['narrowed enum', 'request-parameter-enum-value-removed', /unknown/, (s) => s.paths['/sites'].get.parameters[1].schema.enum.pop()],
  ['lowered maximum', 'request-parameter-max-decreased', /from 100.00 to 50.00/, (s) => (s.paths['/sites'].get.parameters[0].schema.maximum = 50)],
];

describe('breaking-change check', () => {
  it.each(breakingPairs)('fails on a %s', async (name, rule, words, edit) => {
    const result = await checkBreakingChanges({ base: baseFile, revision: revision(name, edit), changesetDir: none });
    expect(result.ok).toBe(false);
    expect(result.breaking.map((c: { id: string }) => c.id)).toContain(rule);
    expect(result.report).toMatch(words);
    expect(result.report).toContain('choose a major bump for @chekt/partner-api-spec');
  });

  it('passes a compatible change (new optional request field, new response field, new operation)', async () => {
    const compatible = revision('compatible', (s) => {
      s.components.schemas.SiteCreate.properties.note = { type: 'string' };
      s.components.schemas.Site.properties.note = { type: 'string' };
      s.paths['/sites/{siteId}'].get = { operationId: 'getSite', parameters: s.paths['/sites/{siteId}'].delete.parameters, responses: { '200': { description: 'The site.' } } };
    });
    const result = await checkBreakingChanges({ base: baseFile, revision: compatible, changesetDir: none });
    expect(result).toMatchObject({ ok: true, breaking: [] });
  });

  it('lets a breaking change through only with a pending major changeset for the spec package', async () => {
    const removed = revision('removed-for-changesets', (s) => delete s.paths['/sites/{siteId}'].delete);
    const verdict = async (dir: string) => (await checkBreakingChanges({ base: baseFile, revision: removed, changesetDir: dir })).ok;
    expect(await verdict(changesets('spec-major', '"@chekt/partner-api-spec": major'))).toBe(true);
    expect(await verdict(changesets('spec-minor', '"@chekt/partner-api-spec": minor'))).toBe(false);
    expect(await verdict(changesets('other-major', '"@chekt/partner-api-client": major', '"@chekt/partner-api-spec": patch'))).toBe(false);
    expect(await verdict(changesets('mixed', '"@chekt/partner-api-spec": minor', "'@chekt/partner-api-spec': major"))).toBe(true);
  });

  it('explains an unreadable changeset', () => {
    const dir = changesets('broken', '"@chekt/partner-api-spec" = major');
    expect(() => pendingBumps(dir)).toThrow('change-0.md: cannot read the front matter line "\"@chekt/partner-api-spec\" = major"');
  });

  it('the current bundle has no unannounced breaking change against the released baseline', async () => {
    const { ok, report } = await checkBreakingChanges();
    expect(ok, report).toBe(true);
  });
});
