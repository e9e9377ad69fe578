/**
 * The request the local host hands a handler: the @azure/functions HttpRequest interface over
 * what the Functions host would hand the worker (hostRequest.ts), from the bytes already read. The library's own HttpRequest wraps a fetch Request and
 * reads its body through web streams, which costs a request about 150 µs here, more than the
 * rest of our code together; this one reads url, method, headers, query and the body from that
 * init, and builds the library's own request only for what it alone provides (the body as a
 * stream, form data, the App Service user, clone). Azure's worker builds the library's own, so
 * the handlers are tested with that too (tests/support/invoke.ts).
 */
import type { HttpRequest, HttpRequestParams, HttpRequestUser } from '@azure/functions';
import type { Blob } from 'node:buffer';
import type { ReadableStream } from 'node:stream/web';
import type { HostRequestInit } from './hostRequest';

export class LocalHttpRequest implements HttpRequest {
  readonly params: HttpRequestParams = {};
  #headers: Headers | undefined;
  #query: URLSearchParams | undefined;
  #library: HttpRequest | undefined;
  #used = false;

  constructor(
    private readonly init: HostRequestInit,
    /** Builds the library's own request from the same init, when it is needed. */
    private readonly libraryRequest: () => HttpRequest,
  ) {}

  get url(): string {
    return this.init.url;
  }

  get method(): string {
    return this.init.method;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.init.query);
    return this.#query;
  }

  get headers(): Headers {
    this.#headers ??= new Headers(this.init.headers);
    return this.#headers;
  }

  get user(): HttpRequestUser | null {
    return this.library().user;
  }

  get body(): ReadableStream<unknown> | null {
    this.#used = true;
    return this.library().body;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    return copy;
  }

  async text(): Promise<string> {
    return this.take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    this.#used = true;
    return this.library().blob();
  }

  async formData(): Promise<FormData> {
    this.#used = true;
    return this.library().formData();
  }

  clone(): HttpRequest {
    return this.library().clone();
  }

  /** The body, once: a second read fails as a fetch Request's does. */
  private take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    // As the library's: GET and HEAD have no body (it drops one, with a warning).
    const method = this.init.method;
    const bytes = method === 'GET' || method === 'HEAD' ? undefined : this.init.body?.bytes;
    return bytes === undefined
      ? Buffer.alloc(0)
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private library(): HttpRequest {
    this.#library ??= this.libraryRequest();
    return this.#library;
  }
}
