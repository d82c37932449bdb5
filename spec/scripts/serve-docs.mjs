#!/usr/bin/env node
// Serves the built docs page (dist/docs/) on localhost: behind the root `pnpm docs`, and used by
// the browser test. Usage: node scripts/serve-docs.mjs [--port 8080] [--host 127.0.0.1]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'docs');
const TYPES = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Starts a static server for dist/docs; resolves to { url, close() }. */
export async function serveDocs({ port = 8080, host = '127.0.0.1' } = {}) {
  if (!fs.existsSync(path.join(docsDir, 'index.html'))) {
    throw new Error(`No docs page at ${path.join(docsDir, 'index.html')}. Build it first: \`pnpm docs\` at the repo root (or \`pnpm bundle && pnpm docs\` in spec/).`);
  }
  const server = http.createServer((req, res) => {
    const requested = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.join(docsDir, requested.endsWith('/') ? `${requested}index.html` : requested);
    // Never serve anything outside dist/docs (a `..` in the URL).
    if (!file.startsWith(docsDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const usage = 'Usage: serve-docs [--port 8080] [--host 127.0.0.1]   Serves the built docs page (dist/docs) on localhost.';
  let values;
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${error.message} ${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, got "${values.port}".`);
    process.exit(2);
  }
  try {
    const { url } = await serveDocs({ port, host: values.host });
    console.log(`Docs page: ${url} (Ctrl-C to stop)`);
  } catch (error) {
    console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use; pick another with --port.` : error.message);
    process.exit(1);
  }
}
