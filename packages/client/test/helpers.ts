import { createPartnerClient, type PartnerClientOptions } from "../src/index.js";

export const BASE_URL = "https://api.example.test";
export const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, ...init, headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) } });
export const tokenResponse = (accessToken: string, expiresIn = 3600) => json({ access_token: accessToken, token_type: "Bearer", expires_in: expiresIn });

type Answer = Response | Error | ((request: Request, init?: RequestInit) => Response | Promise<Response>);

/**
 * A fetch that records every request (with its body text) and answers from `answer`, which gets
 * the request and how many API (non-token) requests came before it.
 */
export function fakeServer(answer: (request: Request, index: number) => Answer, tokens: (index: number) => Answer = (index) => tokenResponse(`token-${index + 1}`)) {
  type Recorded = { request: Request; body: string; authorization: string | null };
  const requests: Recorded[] = [];
  const tokenRequests: Recorded[] = [];
  const fetch = async (request: Request, init?: RequestInit): Promise<Response> => {
    const body = await request.clone().text();
    const isToken = new URL(request.url).pathname.endsWith("/token");
    const reply = isToken ? tokens(tokenRequests.length) : answer(request, requests.length);
    (isToken ? tokenRequests : requests).push({ request, body, authorization: request.headers.get("authorization") });
    if (reply instanceof Error) throw reply;
    return typeof reply === "function" ? reply(request, init) : reply;
  };
  return { fetch, requests, tokenRequests };
}

export function clientFor(server: ReturnType<typeof fakeServer>, options: Partial<PartnerClientOptions> = {}) {
  return createPartnerClient({ baseUrl: BASE_URL, fetch: server.fetch, auth: { clientId: "partner-id", clientSecret: "partner-secret-value" }, ...options });
}

/** A response that never arrives unless the request is aborted (a hung server). */
export const hang = (_request: Request, init?: RequestInit) =>
  new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
