// Proves the published artifacts, not the workspace: every publishable package is packed as
// `pnpm publish` would, checked with publint and attw, installed with npm into fresh ESM
// (TypeScript, type-checked with tsc) and CommonJS projects, and used there: import the spec,
// start the mock from its package and from its `chekt-partner-mock` binary, call it with the client.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleGetCall } from '../src/operation.js';
import { offersCommonJs, pack, publishablePackages, repoRoot, type PublishablePackage } from '../src/packages.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = (name: string) => path.join(here, '..', 'node_modules', '.bin', name);
const TYPESCRIPT = 'typescript@5.9.3';
const NODE_TYPES = '@types/node@20.19.43';

// npm must not inherit pnpm's or turbo's npm_* settings (user agent, engine-strict, paths).
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
const npmInstall = (cwd: string, specs: string[]) =>
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel', 'error', ...specs], {
    cwd,
    env: npmEnv,
    maxBuffer: 16 * 1024 * 1024,
  });

const packages = publishablePackages();
const spec = JSON.parse(fs.readFileSync(path.join(packages.find((p) => p.name === '@chekt/partner-api-spec')!.dir, 'dist', 'openapi.json'), 'utf8'));
const call = sampleGetCall(spec);
const specExports = Object.keys(packages.find((p) => p.name === '@chekt/partner-api-spec')!.manifest.exports).map((key) => key.slice(2));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-tests-'));
const tarballs = new Map<string, string>();
const esmProject = path.join(tmp, 'esm');
const cjsProject = path.join(tmp, 'cjs');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh project: the template files, a package.json, and the call picked from the spec. */
function createProject(dir: string, template: string, type: 'module' | 'commonjs', operationFile: [string, string]) {
  fs.cpSync(path.join(here, '..', 'projects', template), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${template}`, private: true, type }, null, 2));
  fs.writeFileSync(path.join(dir, operationFile[0]), operationFile[1]);
}

beforeAll(async () => {
  const packDir = path.join(tmp, 'tarballs');
  fs.mkdirSync(packDir);
  for (const pkg of packages) tarballs.set(pkg.name, pack(pkg, packDir));
  createProject(esmProject, 'esm', 'module', [
    'operation.ts',
    [
      `export const path = ${JSON.stringify(call.path)} as const;`,
      `export const params = ${JSON.stringify(call.params)} as const;`,
      `export const specExports = ${JSON.stringify(specExports)};`,
      '',
    ].join('\n'),
  ]);
  createProject(cjsProject, 'cjs', 'commonjs', ['operation.json', JSON.stringify({ ...call, specExports })]);
  // Both installs at once: they share npm's cache, and most of the time is waiting on it.
  await Promise.all([npmInstall(esmProject, [...tarballs.values(), TYPESCRIPT, NODE_TYPES]), npmInstall(cjsProject, [...tarballs.values()])]);
}, 300_000);

const byName: Array<[string, PublishablePackage]> = packages.map((pkg) => [pkg.name, pkg]);

describe('packing', () => {
  it('finds the publishable packages (not the private ones) and packs each', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@chekt/partner-api-spec', '@chekt/partner-api-client', '@chekt/partner-api-mock']));
    expect(packages.every((p) => !p.manifest.private)).toBe(true);
    for (const pkg of packages) expect(fs.existsSync(tarballs.get(pkg.name)!)).toBe(true);
  });
});

/** publint's messages on a tarball, formatted. */
async function publintMessages(tarball: string): Promise<string[]> {
  // A copy: a small Buffer's .buffer is Node's shared pool, not the file alone.
  const bytes = new Uint8Array(fs.readFileSync(tarball)).buffer;
  const { messages, pkg } = await publint({ pack: { tarball: bytes }, level: 'suggestion', strict: true });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`);
}

/** attw on a tarball; an ESM-only package (no CommonJS in its exports) is judged as such. */
async function attw(tarball: string, manifest: Record<string, any>): Promise<{ ok: boolean; output: string }> {
  const args = [tarball, '--format', 'ascii', '--no-emoji', ...(offersCommonJs(manifest) ? [] : ['--profile', 'esm-only'])];
  return run(bin('attw'), args, { env: { ...process.env, NO_COLOR: '1' } }).then(
    ({ stdout }) => ({ ok: true, output: stdout }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
}

describe('package checks', () => {
  it.each(byName)('publint finds nothing in %s', async (name) => {
    expect(await publintMessages(tarballs.get(name)!)).toEqual([]);
  });

  it.each(byName)('attw finds nothing in %s', async (name, pkg) => {
    const { ok, output } = await attw(tarballs.get(name)!, pkg.manifest);
    expect(ok, output).toBe(true);
  });

  it('both report a broken package (missing export target, CJS types for an ESM file)', async () => {
    const dir = path.join(tmp, 'broken');
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'index.js'), 'export const x = 1;\n');
    fs.writeFileSync(path.join(dir, 'dist', 'index.d.ts'), 'declare const x: number;\nexport = x;\n');
    const manifest = { name: 'broken-package', version: '1.0.0', type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './missing': './dist/missing.js' } };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--loglevel', 'error'], { cwd: dir, env: npmEnv });
    const tarball = path.join(dir, stdout.trim().split('\n').pop()!);
    expect((await publintMessages(tarball)).join('\n')).toMatch(/missing/);
    const result = await attw(tarball, manifest);
    expect(result.ok, result.output).toBe(false);
  });
});

/** Runs a consumer script; its last stdout line is a JSON report. */
async function runConsumer(cwd: string, script: string, env: Record<string, string> = {}) {
  const { stdout } = await run(process.execPath, [script], { cwd, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const expectedReport = () => ({ title: spec.info.title, files: Object.fromEntries(specExports.map((s) => [s, true])), status: 200, hasData: true });

describe('ESM TypeScript consumer', () => {
  it('type-checks against the published types with tsc', async () => {
    await run(path.join(esmProject, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: esmProject }).catch((error: { stdout: string }) => {
      throw new Error(`tsc failed in the ESM consumer project:\n${error.stdout}`);
    });
  }, 120_000);

  it('tsc rejects a call to a path the API does not have (the types are real, not any)', async () => {
    const wrong = path.join(esmProject, 'wrong.ts');
    fs.writeFileSync(wrong, `import { createPartnerClient } from "@chekt/partner-api-client";\nawait createPartnerClient({ baseUrl: "http://127.0.0.1", accessToken: "t" }).GET("/no/such/path", {});\nexport {};\n`);
    const result = await run(path.join(esmProject, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', wrong], { cwd: esmProject }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toMatch(/no\/such\/path/);
  }, 120_000);

  it(`imports the spec, starts the mock from its package and calls ${call.operationId} with the client`, async () => {
    expect(await runConsumer(esmProject, "dist/index.js")).toEqual(expect.objectContaining(expectedReport()));
  }, 60_000);
});

describe('CommonJS consumer', () => {
  it(`requires the spec, the mock and the client and calls ${call.operationId}`, async () => {
    expect(await runConsumer(cjsProject, 'index.cjs')).toEqual(expect.objectContaining(expectedReport()));
  }, 60_000);

});

describe('chekt-partner-mock binary from the installed tarball', () => {
  it('serves the API on a free port; the ESM consumer calls it with the client', async () => {
    const server = spawn(path.join(cjsProject, 'node_modules', '.bin', 'chekt-partner-mock'), ['--port', '0'], { cwd: cjsProject });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`chekt-partner-mock printed no URL within 30 s:\n${output}`)), 30_000);
        const read = (chunk: Buffer) => {
          output += chunk;
          const found = /https?:\/\/[^\s)]+/.exec(output);
          if (found) {
            clearTimeout(timer);
            resolve(found[0]);
          }
        };
        server.stdout.on('data', read);
        server.stderr.on('data', (chunk) => (output += chunk));
        server.on('exit', (code) => reject(new Error(`chekt-partner-mock exited (${code}) before listening:\n${output}`)));
      });
      expect(await runConsumer(esmProject, 'dist/index.js', { CHEKT_MOCK_URL: url })).toEqual(expect.objectContaining(expectedReport()));
    } finally {
      server.kill();
    }
  }, 60_000);
});
