// Redocly plugin with the CHeKT project's lint rules and the docs decorator.
// Configurable `rule/...` assertions in redocly.yaml cover provenance, operationId casing and
// snake_case property names; the rules here need the path string, path-level parameters or
// $ref targets, which assertions cannot express.

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const PARTNER_PREFIX = '/partner/v1';
const TOKEN_PATH = '/oauth/token';

export const PROVENANCE_TEXT = {
  documented:
    'The public CHeKT docs show the method, path, request body (if any) and success response body.',
  partial:
    'Method and path are documented; the parts marked "Inferred:" follow project decisions.',
  inferred:
    'The public CHeKT docs at most mention this capability; every detail is a project decision.',
};

/** Header parameters (operation and path level), $refs resolved. */
function headerNames(operation, pathItem, ctx) {
  const params = [...(pathItem?.parameters ?? []), ...(operation.parameters ?? [])];
  return params
    .map((p) => ctx.resolve(p).node)
    .filter((p) => p && p.in === 'header' && typeof p.name === 'string')
    .map((p) => p.name.toLowerCase());
}

function withPath(check) {
  let currentPath;
  return {
    PathItem: {
      enter(_node, ctx) {
        currentPath = String(ctx.key);
      },
      Operation(operation, ctx, parents) {
        check(operation, ctx, parents.PathItem, currentPath, String(ctx.key).toLowerCase());
      },
    },
  };
}

function TraceIdParameter() {
  return withPath((operation, ctx, pathItem) => {
    if (!headerNames(operation, pathItem, ctx).includes('x-partner-trace-id')) {
      ctx.report({
        message: 'Every operation must take the `x-partner-trace-id` header (the TraceId parameter).',
        location: ctx.location.child('parameters'),
      });
    }
  });
}

function IdempotencyKeyOnWrites() {
  return withPath((operation, ctx, pathItem, path, method) => {
    if (!path?.startsWith(PARTNER_PREFIX) || !WRITE_METHODS.has(method)) return;
    if (!headerNames(operation, pathItem, ctx).includes('idempotency-key')) {
      ctx.report({
        message: `${method.toUpperCase()} ${path} must take the \`Idempotency-Key\` header (the IdempotencyKey parameter).`,
        location: ctx.location.child('parameters'),
      });
    }
  });
}

const refIs = (ref, name) =>
  typeof ref === 'string' &&
  (ref.endsWith(`/${name}.yaml`) || ref === `${name}.yaml` || ref.endsWith(`#/components/schemas/${name}`));

function ErrorResponseSchema() {
  return withPath((operation, ctx, _pathItem, path) => {
    const expected = path === TOKEN_PATH ? 'OAuthError' : path?.startsWith(PARTNER_PREFIX) ? 'Error' : null;
    if (!expected) return;
    for (const [status, raw] of Object.entries(operation.responses ?? {})) {
      if (!/^[45]/.test(status)) continue;
      const { node: response, location } = ctx.resolve(raw);
      const where = location ?? ctx.location.child(['responses', status]);
      const media = Object.entries(response?.content ?? {});
      if (media.length === 0) {
        ctx.report({ message: `Response ${status} must have a body using the \`${expected}\` schema.`, location: where });
        continue;
      }
      for (const [type, mt] of media) {
        if (!refIs(mt?.schema?.$ref, expected)) {
          ctx.report({
            message: `Response ${status} (${type}) must use the \`${expected}\` schema by $ref.`,
            location: where.child(['content', type, 'schema']),
          });
        }
      }
    }
  });
}

// Decorator for the docs build: make each operation's provenance visible on the page.
function ProvenanceInDescription() {
  return {
    Operation: {
      leave(operation) {
        const mark = operation['x-chekt-provenance'];
        if (!PROVENANCE_TEXT[mark]) return;
        const line = `**Provenance: ${mark}.** ${PROVENANCE_TEXT[mark]}`;
        if (!operation.description?.startsWith('**Provenance:')) {
          operation.description = operation.description ? `${line}\n\n${operation.description}` : line;
        }
      },
    },
  };
}

// Decorator for the docs build: a curl sample per operation, appended to its description (the
// docs renderer of Redocly CLI 2 does not show `x-codeSamples`), built from the spec itself: the first server, the path with its parameters' examples,
// the header parameters and required query parameters with their examples, the bearer token
// when the operation is secured, and the request body's example.
function CurlSamples() {
  let root;
  let path;
  const shellQuote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`;
  const exampleOf = (node, ctx) => {
    if (!node) return undefined;
    if (node.example !== undefined) return node.example;
    const first = Object.values(node.examples ?? {})[0];
    if (first !== undefined) return ctx.resolve(first).node?.value;
    return node.schema ? ctx.resolve(node.schema).node?.example : undefined;
  };
  return {
    Root: {
      enter(node) {
        root = node;
      },
    },
    PathItem: {
      enter(_node, ctx) {
        path = String(ctx.key);
      },
      Operation(operation, ctx, parents) {
        const params = [...(parents.PathItem?.parameters ?? []), ...(operation.parameters ?? [])].map((p) => ctx.resolve(p).node).filter(Boolean);
        let url = `${root?.servers?.[0]?.url ?? ''}${path}`;
        const query = [];
        const lines = [`curl -X ${String(ctx.key).toUpperCase()}`];
        for (const param of params) {
          const value = exampleOf(param, ctx);
          if (param.in === 'path') url = url.replace(`{${param.name}}`, encodeURIComponent(value ?? `<${param.name}>`));
          if (param.in === 'query' && param.required) query.push(`${encodeURIComponent(param.name)}=${encodeURIComponent(value ?? '')}`);
          if (param.in === 'header' && value !== undefined) lines.push(`-H ${shellQuote(`${param.name}: ${value}`)}`);
        }
        const security = operation.security ?? root?.security ?? [];
        if (security.some((requirement) => Object.keys(requirement).length > 0)) lines.push(`-H 'Authorization: Bearer $ACCESS_TOKEN'`);
        const [mediaType, media] = Object.entries(ctx.resolve(operation.requestBody).node?.content ?? {})[0] ?? [];
        const body = exampleOf(media, ctx);
        if (mediaType === 'application/x-www-form-urlencoded' && body && typeof body === 'object') {
          for (const [key, value] of Object.entries(body)) lines.push(`--data-urlencode ${shellQuote(`${key}=${value}`)}`);
        } else if (mediaType && body !== undefined) {
          lines.push(`-H ${shellQuote(`Content-Type: ${mediaType}`)}`, `-d ${shellQuote(typeof body === 'string' ? body : JSON.stringify(body, null, 2))}`);
        }
        lines.splice(1, 0, shellQuote(query.length ? `${url}?${query.join('&')}` : url));
        const sample = `**Example request (curl)**\n\n\`\`\`sh\n${lines.join(' \\\n  ')}\n\`\`\``;
        operation.description = operation.description ? `${operation.description}\n\n${sample}` : sample;
      },
    },
  };
}

export default function chektPlugin() {
  return {
    id: 'chekt',
    rules: {
      oas3: {
        'trace-id-parameter': TraceIdParameter,
        'idempotency-key-on-writes': IdempotencyKeyOnWrites,
        'error-response-schema': ErrorResponseSchema,
      },
    },
    decorators: {
      oas3: {
        'provenance-in-description': ProvenanceInDescription,
        'curl-samples': CurlSamples,
      },
    },
  };
}
