#!/usr/bin/env node
// Compares a revision of the spec with the last released one (spec/baseline/openapi.json) using
// oasdiff, and decides whether the difference may be released: a breaking change needs a pending
// changeset that bumps @chekt/partner-api-spec to a new major version.
//
// Run directly: `node scripts/breaking-changes.mjs [base] [revision]` (defaults: the baseline and
// dist/openapi.json); exit 1 when a breaking change is not announced as a major bump.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const specRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SPEC_PACKAGE = JSON.parse(fs.readFileSync(path.join(specRoot, 'package.json'), 'utf8')).name;
export const BASELINE = path.join(specRoot, 'baseline', 'openapi.json');
export const BASELINE_VERSION = path.join(specRoot, 'baseline', 'VERSION');
export const BUNDLE = path.join(specRoot, 'dist', 'openapi.json');
export const CHANGESET_DIR = path.join(specRoot, '..', '.changeset');
const OASDIFF = path.join(specRoot, 'node_modules', '.bin', 'oasdiff');

// oasdiff levels: 3 = ERR (breaks clients), 2 = WARN (breaks some clients, e.g. a removed optional
// response field a partner may read), 1 = INFO (compatible). For a partner contract both ERR and
// WARN count as breaking.
export const BREAKING_LEVEL = 2;
const LEVEL_WORDS = { 3: 'breaking', 2: 'breaking for some partners', 1: 'compatible' };

/** Every change from base to revision (oasdiff changelog, JSON), each with id, level, text, operation, path. */
export async function apiChanges(base, revision) {
  for (const file of [base, revision]) {
    if (!fs.existsSync(file)) throw new Error(`OpenAPI file not found: ${file}. Run \`pnpm bundle\` in spec/ first.`);
  }
  // No external $refs: the bundle is self-contained and the check must never reach the network.
  const { stdout } = await run(OASDIFF, ['changelog', base, revision, '--format', 'json', '--allow-external-refs=false'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error) => {
    throw new Error(`oasdiff could not compare ${base} with ${revision}:\n${error.stderr || error.message}`);
  });
  return JSON.parse(stdout || '[]');
}

/** One change in plain words: "GET /sites (listSites): the max of ... was decreased [request-parameter-max-decreased]". */
export function describeChange(change) {
  const where = change.operation ? `${change.operation} ${change.path}${change.operationId ? ` (${change.operationId})` : ''}` : change.path ?? 'API';
  return `${where}: ${change.text.replaceAll('`', '')} [${change.id}, ${LEVEL_WORDS[change.level] ?? `level ${change.level}`}]`;
}

/**
 * The bump each pending changeset gives `packageName` ("major" | "minor" | "patch"), highest first.
 * Changeset files are markdown with a YAML front matter of `"package": bump` lines.
 */
export function pendingBumps(changesetDir, packageName = SPEC_PACKAGE) {
  if (!fs.existsSync(changesetDir)) return [];
  const order = ['major', 'minor', 'patch', 'none'];
  const bumps = [];
  for (const name of fs.readdirSync(changesetDir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const text = fs.readFileSync(path.join(changesetDir, name), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!front) {
      throw new Error(`${path.join(changesetDir, name)}: no front matter. A changeset starts with ---, lines like "${packageName}": minor, and ---. Create one with \`pnpm changeset\`.`);
    }
    for (const line of front[1].split(/\r?\n/).filter((l) => l.trim())) {
      const entry = /^\s*["']?([^"':]+)["']?\s*:\s*(\w+)\s*$/.exec(line);
      if (!entry || !order.includes(entry[2])) {
        throw new Error(`${path.join(changesetDir, name)}: cannot read the front matter line "${line}". Expected "<package>": major|minor|patch.`);
      }
      if (entry[1] === packageName) bumps.push(entry[2]);
    }
  }
  return bumps.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The verdict on releasing `revision` after `base`, with a report in plain words. */
export async function checkBreakingChanges({ base = BASELINE, revision = BUNDLE, changesetDir = CHANGESET_DIR } = {}) {
  const breaking = (await apiChanges(base, revision)).filter((c) => c.level >= BREAKING_LEVEL);
  const majorAnnounced = pendingBumps(changesetDir)[0] === 'major';
  const ok = breaking.length === 0 || majorAnnounced;
  const lines = breaking.map((c) => `  - ${describeChange(c)}`);
  let report;
  if (breaking.length === 0) {
    report = `No breaking changes between ${path.relative(process.cwd(), base)} and ${path.relative(process.cwd(), revision)}.`;
  } else if (majorAnnounced) {
    report = [`${breaking.length} breaking change(s), announced by a pending major changeset for ${SPEC_PACKAGE}:`, ...lines].join('\n');
  } else {
    report = [
      `${breaking.length} breaking change(s) since the last released spec (${path.relative(process.cwd(), base)}):`,
      ...lines,
      `Partners built against the released spec would break. Either make the change compatible (add instead of`,
      `remove or rename, keep new request fields optional, widen instead of narrow), or announce it: run`,
      `\`pnpm changeset\` at the repo root and choose a major bump for ${SPEC_PACKAGE}.`,
    ].join('\n');
  }
  return { ok, breaking, report };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [base, revision] = process.argv.slice(2);
  try {
    const { ok, report } = await checkBreakingChanges({ base: base ?? BASELINE, revision: revision ?? BUNDLE });
    (ok ? console.log : console.error)(report);
    process.exit(ok ? 0 : 1);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
