// The workspace's publishable packages, packed exactly as `pnpm publish` would pack them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface PublishablePackage {
  name: string;
  dir: string;
  manifest: Record<string, any>;
}

/** Every non-private package of the pnpm workspace, read from pnpm itself. */
export function publishablePackages(): PublishablePackage[] {
  const listed = JSON.parse(
    execFileSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], { cwd: repoRoot, encoding: 'utf8' }),
  ) as Array<{ name: string; path: string; private?: boolean }>;
  return listed
    .filter((pkg) => !pkg.private && pkg.path !== repoRoot)
    .map((pkg) => ({ name: pkg.name, dir: pkg.path, manifest: JSON.parse(fs.readFileSync(path.join(pkg.path, 'package.json'), 'utf8')) }));
}

/** `pnpm pack` (which rewrites `workspace:` ranges like `pnpm publish`) into `destination`; the tarball's path. */
export function pack(pkg: PublishablePackage, destination: string): string {
  const output = execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir, encoding: 'utf8' });
  const tarball = output.trim().split('\n').pop()!.trim();
  if (!tarball.endsWith('.tgz') || !fs.existsSync(tarball)) {
    throw new Error(`pnpm pack in ${pkg.dir} did not report a tarball; its output was:\n${output}`);
  }
  return tarball;
}

/** Whether the package's exports offer CommonJS (a `require` condition anywhere, or no `type: module`). */
export function offersCommonJs(manifest: Record<string, any>): boolean {
  return manifest.type !== 'module' || JSON.stringify(manifest.exports ?? {}).includes('"require"');
}
