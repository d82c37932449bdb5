#!/usr/bin/env node
// Release step, run by the root `pnpm version-packages` right after `changeset version` (and a fresh
// bundle): when that bumped @chekt/partner-api-spec, write the API changes since the last released
// spec into spec/CHANGELOG.md under the new version, then make the current bundle the new baseline
// that the breaking-change check compares against.
import fs from 'node:fs';
import path from 'node:path';
import { apiChanges, BASELINE, BASELINE_VERSION, BREAKING_LEVEL, BUNDLE, describeChange, specRoot } from './breaking-changes.mjs';

const CHANGELOG = path.join(specRoot, 'CHANGELOG.md');
const version = JSON.parse(fs.readFileSync(path.join(specRoot, 'package.json'), 'utf8')).version;
const baselineVersion = fs.readFileSync(BASELINE_VERSION, 'utf8').trim();

if (version === baselineVersion) {
  console.log(`record-release: @chekt/partner-api-spec stays at ${version}; baseline unchanged.`);
  process.exit(0);
}

const changes = await apiChanges(BASELINE, BUNDLE);
const section = [
  `### API changes since ${baselineVersion}`,
  '',
  ...(changes.length === 0
    ? ['No changes to operations or schemas.']
    : changes.map((c) => `- ${c.level >= BREAKING_LEVEL ? '**Breaking:** ' : ''}${describeChange(c)}`)),
  '',
].join('\n');

const changelog = fs.existsSync(CHANGELOG) ? fs.readFileSync(CHANGELOG, 'utf8') : '';
const heading = `## ${version}\n`;
const at = changelog.indexOf(heading);
if (at === -1) {
  console.error(`record-release: ${CHANGELOG} has no "## ${version}" heading. Run \`changeset version\` first (the root \`pnpm version-packages\` does both).`);
  process.exit(1);
}
const insertAt = at + heading.length;
fs.writeFileSync(CHANGELOG, `${changelog.slice(0, insertAt)}\n${section}${changelog.slice(insertAt)}`);
fs.copyFileSync(BUNDLE, BASELINE);
fs.writeFileSync(BASELINE_VERSION, `${version}\n`);
console.log(`record-release: ${changes.length} API change(s) written to CHANGELOG.md under ${version}; baseline is now ${version}.`);
