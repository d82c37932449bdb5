// Picks, from the bundled spec, an operation a consumer project can call on the mock with nothing
// but the spec's own examples: a GET with a 200 response whose required parameters all have one.
export interface SampleCall {
  operationId: string;
  path: string;
  params: { path?: Record<string, unknown>; query?: Record<string, unknown> };
}

export function sampleGetCall(spec: any): SampleCall {
  const resolve = (node: any) => (node?.$ref ? node.$ref.slice(2).split('/').reduce((at: any, key: string) => at[key.replaceAll('~1', '/').replaceAll('~0', '~')], spec) : node);
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    const op = item.get;
    if (!op?.responses?.['200']) continue;
    const params: SampleCall['params'] = {};
    let usable = true;
    for (const param of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)) {
      if (!param.required || !['path', 'query'].includes(param.in)) continue;
      const example = param.example ?? param.schema?.example;
      if (example === undefined) usable = false;
      (params[param.in as 'path' | 'query'] ??= {})[param.name] = example;
    }
    if (usable) return { operationId: op.operationId, path, params };
  }
  throw new Error('The bundled spec has no GET operation with a 200 response whose required parameters all have examples; the consumer test needs one to call the mock.');
}
