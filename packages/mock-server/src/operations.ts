/** The parts of Prism's IHttpOperation the mock reads (the full type lives in @stoplight/types). */
export interface HttpOperation {
  id: string;
  iid?: string;
  method: string;
  path: string;
  responses: { code: string; contents?: { mediaType: string; examples?: { key: string }[] }[] }[];
  security?: { type: string; flows?: Record<string, { tokenUrl?: string }> }[][];
  request?: Partial<Record<"path" | "query" | "headers", { name: string }[]>>;
}

export interface OperationInfo {
  /** Prism's description of the operation. */
  source: HttpOperation;
  operationId: string;
  method: string;
  path: string;
  documentedStatuses: ReadonlySet<number>;
  /** Status codes with their named examples, for `Prefer` errors. */
  examplesByStatus: ReadonlyMap<string, string[]>;
  /** Declared parameter names by their lower-case form: Prism reports some lower-cased. */
  parameterNames: ReadonlyMap<string, string>;
  /** Request headers that can change Prism's answer: the declared header parameters and the ones Prism reads. */
  answerHeaders: string[];
  /** Errors follow RFC 6749 here: the path is the `tokenUrl` of one of the spec's OAuth flows. */
  isTokenEndpoint: boolean;
}

export interface OperationIndex {
  /** The operation a request reaches, or undefined; `methods` lists those allowed on the path. */
  find(method: string, pathname: string): { operation?: OperationInfo; methods: string[] };
  operationCount: number;
}

export function indexOperations(operations: HttpOperation[]): OperationIndex {
  const tokenPaths = new Set(
    operations.flatMap((operation) =>
      (operation.security ?? []).flat().flatMap((scheme) => Object.values(scheme.flows ?? {}).flatMap((flow) => (flow.tokenUrl ? [tokenPathOf(flow.tokenUrl)] : []))),
    ),
  );
  const infos = operations.map((operation) => {
    const info: OperationInfo = {
      source: operation,
      operationId: operation.iid ?? operation.id,
      method: operation.method.toUpperCase(),
      path: operation.path,
      documentedStatuses: new Set(operation.responses.map((response) => Number(response.code)).filter(Number.isInteger)),
      examplesByStatus: new Map(operation.responses.map((response) => [response.code, (response.contents ?? []).flatMap((content) => (content.examples ?? []).map((example) => example.key))])),
      isTokenEndpoint: tokenPaths.has(operation.path),
      answerHeaders: ["authorization", "accept", "prefer", ...(operation.request?.headers ?? []).map((parameter) => parameter.name.toLowerCase())],
      parameterNames: new Map(
        [...(operation.request?.path ?? []), ...(operation.request?.query ?? []), ...(operation.request?.headers ?? [])].map((parameter) => [parameter.name.toLowerCase(), parameter.name]),
      ),
    };
    return { info, pattern: templatePattern(operation.path), templated: (operation.path.match(/\{/g) ?? []).length };
  });
  // A literal segment wins over a template (`/dealers/connect` before `/dealers/{dealerId}`), as in Prism's router.
  infos.sort((a, b) => a.templated - b.templated);
  return {
    operationCount: operations.length,
    find(method, pathname) {
      const matching = infos.filter((candidate) => candidate.pattern.test(pathname));
      const upper = method.toUpperCase();
      const operation = matching.find((candidate) => candidate.info.method === upper)?.info;
      return { operation, methods: [...new Set(matching.map((candidate) => candidate.info.method))] };
    },
  };
}

function templatePattern(path: string): RegExp {
  const parts = path.split(/\{[^}]+\}/).map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // Exact, as Prism routes: a trailing slash is another path (404 in the envelope, not Prism's raw error).
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

function tokenPathOf(tokenUrl: string): string {
  try {
    return new URL(tokenUrl, "http://relative.invalid").pathname;
  } catch {
    return tokenUrl;
  }
}
