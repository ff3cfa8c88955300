export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

export interface HttpRequest {
  headers?: Record<string, string>;
  body?: string;
  /** username/password for HTTP Basic */
  basic?: { username: string; password: string };
  bearer?: string;
}

/** A raw HTTP request that never follows redirects, for asserting exactly what the server answered. */
export async function http(origin: string, method: string, path: string, request: HttpRequest = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.basic) {
    headers.Authorization = `Basic ${Buffer.from(`${request.basic.username}:${request.basic.password}`).toString('base64')}`;
  }
  if (request.bearer) headers.Authorization = `Bearer ${request.bearer}`;
  const response = await fetch(`${origin}${path}`, { method, headers, body: request.body, redirect: 'manual' });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json<T>() {
      return JSON.parse(text) as T;
    },
  };
}
