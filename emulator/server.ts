/** The local CloudBase: one loopback HTTP server in front of the database, functions, openapi and storage services. */
import http from 'http'
import type { AddressInfo } from 'net'
import fs from 'fs'
import path from 'path'
import { createDatabaseService } from './database'
import { createFunctionsService, type FunctionsService } from './functions'
import { createOpenApiService, type OpenApiService } from './openapi'
import { createStorageService } from './storage'
import { handleTcbRequest, RequestCounter } from './gateway/tcb'
import { handleLoopbackRoutes } from './gateway/loopback'
import { handleHttpAccess } from './gateway/http-access'
import { createWecomService, WECOM_LOCAL_ROUTE } from './wecom'

/** Routes for tools, tests and the SDK on this machine (not the H5 gateway, its files, or the HTTP access paths). */
const LOCAL_ROUTE = /^\/(tcb|admin|functions\/[^/]+|clock|outbox|stats)$/
import { createH5Gateway } from './gateway/h5'
import { guardLocalRoute, HttpError, sendJson } from './gateway/http-util'
import type { EmulatorInfo, TcbService } from './service'

export interface EmulatorOptions {
  port: number
  dataDir: string
  /** Where the built functions live (default dist/cloudfunctions). */
  functionsDir: string
  /** Start timer triggers from each function's config.json. */
  timers: boolean
  /** The built H5 app to serve at `/` (null: none). */
  h5Dir: string | null
}

export interface Emulator {
  url: string
  functions: FunctionsService
  openapi: OpenApiService
  close(): Promise<void>
}

export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  fs.mkdirSync(opts.dataDir, { recursive: true })
  const server = http.createServer()
  // function instances on Node ≥ 19 reuse idle sockets (http.globalAgent keeps them alive); a function
  // busy in synchronous code for longer than Node's 5 s default would reuse one the server already
  // closed and fail with "socket hang up". Keep idle connections longer than any function may run.
  server.keepAliveTimeout = 75_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const info: EmulatorInfo = { dataDir: path.resolve(opts.dataDir), baseUrl: `http://127.0.0.1:${port}` }

  const database = await createDatabaseService(info)
  const openapi = await createOpenApiService(info)
  const storage = await createStorageService(info)
  // the fake WeCom (企业微信): functions get its address and the corp's keys in their environment
  const wecom = await createWecomService(info)
  const functions = await createFunctionsService(info, { functionsDir: opts.functionsDir, timers: opts.timers, env: wecom.env() })
  const services: Record<string, TcbService> = { database, functions, wx: openapi, storage }
  const counter = new RequestCounter()
  const h5 = createH5Gateway(info, { functions, storage, database, h5Dir: opts.h5Dir })

  server.on('request', (req, res) => {
    const url = new URL(req.url || '/', info.baseUrl)
    void (async () => {
      try {
        if (LOCAL_ROUTE.test(url.pathname) || WECOM_LOCAL_ROUTE.test(url.pathname)) guardLocalRoute(req, port)
        if (url.pathname === '/tcb' || url.pathname === '/admin') return await handleTcbRequest(req, res, services, counter)
        if (await handleLoopbackRoutes(req, res, url, { functions, openapi, counter, queries: database.queries })) return
        if (await wecom.route(req, res, url)) return
        if (await handleHttpAccess(req, res, url, functions)) return
        for (const service of Object.values(services)) {
          if (service.route && (await service.route(req, res, url))) return
        }
        if (await h5.route(req, res, url)) return
        if (url.pathname === '/') return sendJson(res, 200, { ok: true, name: 'local CloudBase', serviceUrl: `${info.baseUrl}/tcb` })
        sendJson(res, 404, { code: 'NOT_FOUND', message: `no route for ${req.method} ${url.pathname}` })
      } catch (err) {
        if (err instanceof HttpError) return sendJson(res, err.status, { code: err.code, message: err.message })
        console.error('[emulator] request failed', err)
        if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL', message: String(err) })
      }
    })()
  })

  return {
    url: info.baseUrl,
    functions,
    openapi,
    async close() {
      await functions.close()
      // close() waits for every connection to end; idle keep-alive ones last keepAliveTimeout (75 s),
      // so drop them now rather than after
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      for (const s of [database, openapi, storage, wecom]) await s.close?.()
    },
  }
}

/** Runs a CLI entry point: closes the emulator cleanly on Ctrl+C / SIGTERM, exits 1 on a startup error. */
export function runCli(start: () => Promise<Emulator>): void {
  start().then(
    emulator => {
      const stop = async () => {
        await emulator.close()
        process.exit(0)
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    },
    err => {
      console.error(err)
      process.exit(1)
    },
  )
}
