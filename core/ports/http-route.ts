export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** A route a plugin contributes to the HTTP API, in Web-standard terms so core stays framework-free. */
export interface HttpRoute {
  method: HttpMethod;
  /** Exact, or with `:name` segments (`/ui/assets/:file`); the handler reads them from the URL. */
  path: string;
  /** One line for the OpenAPI document. */
  summary?: string;
  /** Left out of API-key auth (e.g. /metrics scraped by Prometheus). */
  public?: boolean;
  handle(request: Request): Response | Promise<Response>;
}
