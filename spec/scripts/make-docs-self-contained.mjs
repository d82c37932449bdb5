#!/usr/bin/env node
// Post-processes the page from `redocly build-docs --inlineBundle` so that it renders offline
// and makes no request to any non-local host.
//
// Why: --inlineBundle embeds Redoc's script, but the bundle still points at Redocly hosts at
// run time: the "API docs by Redocly" logo image (cdn.redoc.ly), icon masks (cdn.redocly.com)
// and a telemetry collector (otel.cloud.redocly.com). We rewrite those to inert data: URIs.
// Then every remaining http(s) URL must belong to a host known to be only text (XML
// namespaces, links in error messages, URLs from our own spec). Anything else fails the build,
// so a Redocly upgrade cannot silently reintroduce a CDN request.
import fs from 'node:fs';
import path from 'node:path';

const file = process.argv[2];
if (!file) {
  console.error('usage: make-docs-self-contained.mjs <docs.html>');
  process.exit(2);
}
let html = fs.readFileSync(file, 'utf8');

// A small inline stand-in for the Redocly logo (keeps the attribution, loads nothing).
const LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="72" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#555">Redocly</text></svg>',
)}`;

const NEUTRALISE = [
  // Logo image of the "API docs by Redocly" footer.
  [/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, LOGO],
  // Base URLs of CSS-mask icon sets; `data:image/svg+xml,` + suffix is an inert, local URL.
  [/https:\/\/cdn\.redocly\.com\/icons\/[a-z-]+\/[0-9.]+/g, 'data:image/svg+xml,'],
  // Client telemetry collector.
  [/https:\/\/otel\.cloud\.redocly\.com\/v1\/traces/g, 'data:,'],
  // The attribution link: keep the text, drop the external href.
  [/https:\/\/redocly\.com\/redoc\//g, '#'],
];
for (const [re, replacement] of NEUTRALISE) html = html.replace(re, replacement);

// Hosts that appear in the page as text only (never fetched by the page).
const TEXT_ONLY_HOSTS = new Set([
  'www.w3.org', // XML namespace identifiers in inline SVG/MathML
  'redocly.com', // "learn more" links in Redoc's UI and messages
  'github.com', // links in library error messages
  'react.dev',
  'reactrouter.com',
  'yarnpkg.com',
  'commonmark.org',
  'en.wikipedia.org',
  'claude.ai', // "open in AI assistant" links (user-initiated navigation)
  'chatgpt.com',
  'example.com', // sample values in Redoc's example generator
  'localhost',
  '127.0.0.1',
]);
// URLs from our own spec (servers, tokenUrl, examples) are content, not resources.
const specPath = path.resolve(path.dirname(file), '..', 'openapi.json');
const specText = fs.existsSync(specPath) ? fs.readFileSync(specPath, 'utf8') : '';
for (const m of specText.matchAll(/https?:\/\/([a-zA-Z0-9.-]+)/g)) TEXT_ONLY_HOSTS.add(m[1]);

const problems = new Set();
for (const m of html.matchAll(/https?:\/\/([a-zA-Z0-9.-]+)[^\s"'`)<>]{0,60}/g)) {
  if (!TEXT_ONLY_HOSTS.has(m[1])) problems.add(m[0]);
}
// Whatever the host, attributes and CSS that load resources must not point off-host.
const LOADERS = /(?:\b(?:src|href|srcset|action|poster)\s*=\s*\\?["'`]?|url\(\s*["'`]?|@import\s+["'`])https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])[^\s"'`)<>]*/gi;
for (const m of html.matchAll(LOADERS)) problems.add(m[0]);

if (problems.size > 0) {
  console.error(
    `make-docs-self-contained: ${file} still references external URLs this script does not know how to neutralise:\n` +
      [...problems].map((u) => `  - ${u}`).join('\n') +
      '\nAdd a rule to NEUTRALISE (or, if the host is only text, to TEXT_ONLY_HOSTS) after checking it.',
  );
  process.exit(1);
}
fs.writeFileSync(file, html);
console.log(`make-docs-self-contained: ${file} is self-contained (no external resource URLs).`);
