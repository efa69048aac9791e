/**
 * The contract between the HTTP transport (emulator/gateway/tcb.ts) and each CloudBase service.
 * Services know nothing about HTTP: they get the SDK's request params and answer a reply body.
 */
import type { IncomingMessage, ServerResponse } from 'http'

/** The SDK's request body: JSON fields, or multipart fields (files arrive as Buffers). */
export type TcbParams = Record<string, unknown>

/** The reply body the SDK reads (the transport adds `requestId`). */
export type TcbReply = Record<string, unknown>

/** A CloudBase-shaped failure: the SDK sees `{ code, message }` and throws it as an error. */
export class TcbError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Who sent a request (from the SDK's `X-TCB-Source`): `function` (an instance), `outside` (a test, a script). */
export interface RequestCaller {
  source: string
}

export interface TcbService {
  /** Answers one SDK action, e.g. `database.getDocument`. Throws TcbError for CloudBase errors. */
  handle(action: string, params: TcbParams, caller?: RequestCaller): Promise<TcbReply>
  /** Optional extra HTTP routes (e.g. file downloads). Returns true when it answered. */
  route?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>
  close?(): Promise<void>
}

/** What every service gets to know about the running emulator. */
export interface EmulatorInfo {
  dataDir: string
  /** e.g. http://127.0.0.1:9000 */
  baseUrl: string
}
