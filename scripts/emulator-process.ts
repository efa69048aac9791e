/**
 * Starts the real emulator as a child process (as `npm run emulator` does) on a free loopback
 * port with a temporary data dir, and points the unmodified wx-server-sdk at it.
 */
import { spawn, type ChildProcess } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { localCloud } from './local-sdk'
import type { Cloud } from '../cloudfunctions/shared/sdk-types'

export const ROOT = path.resolve(__dirname, '..')

export interface RunningEmulator {
  port: number
  baseUrl: string
  serviceUrl: string
  dataDir: string
  proc: ChildProcess
  /** Output the emulator printed so far (for debugging failures). */
  output(): string
  stop(): Promise<void>
  kill9(): Promise<void>
}

export function tempDataDir(prefix = 'emu-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/**
 * The emulator as a child process on 127.0.0.1. `startTimeoutMs` (default 30 s): how long it may take
 * to listen (a benchmark's large snapshot needs longer); a start that fails kills the child, so
 * nothing else keeps the data dir open.
 */
export async function startEmulator(opts: { dataDir?: string; port?: number; args?: string[]; env?: NodeJS.ProcessEnv; startTimeoutMs?: number } = {}): Promise<RunningEmulator> {
  const dataDir = opts.dataDir ?? tempDataDir()
  // node --import tsx (not the tsx CLI, which runs a child): kill9() must hit the emulator itself
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'emulator/main.ts'), '--port', String(opts.port ?? 0), '--data-dir', dataDir, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000
  let port: number
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`emulator did not start within ${startTimeoutMs / 1000} s:\n${out.slice(-2000)}`)), startTimeoutMs)
      const onData = (d: Buffer) => {
        out += d.toString()
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(Number(m[1]))
        }
      }
      proc.stdout!.on('data', onData)
      proc.stderr!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      proc.on('exit', code => {
        clearTimeout(timer)
        reject(new Error(`emulator exited with ${code}:\n${out.slice(-2000)}`))
      })
    })
  } catch (err) {
    proc.kill('SIGKILL')
    throw err
  }
  const baseUrl = `http://127.0.0.1:${port}`
  return {
    port,
    baseUrl,
    serviceUrl: `${baseUrl}/tcb`,
    dataDir,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      await exited
    },
    async kill9() {
      proc.kill('SIGKILL')
      await exited
    },
  }
}

const sdks = new Map<string, Cloud>()

/** The unmodified wx-server-sdk, initialised against a running emulator (one instance per serviceUrl). */
export function sdkFor(emu: { serviceUrl: string }): Cloud {
  let cloud = sdks.get(emu.serviceUrl)
  if (!cloud) {
    cloud = localCloud(emu.serviceUrl)
    sdks.set(emu.serviceUrl, cloud)
  }
  return cloud
}

/** Creates the collections the code declares (types/collections.ts), as a deploy would. */
export async function deployCollections(emu: { serviceUrl: string }): Promise<void> {
  const { createCollections } = await import('./collections')
  await createCollections(sdkFor(emu).database())
}

/**
 * Invokes a function the way the loopback interface does: POST /functions/<name>. The function's
 * answer as it is; a runtime failure (a timeout, a crash, an unknown function) as
 * `{ ok: false, httpStatus, code, message }`, so a test sees why instead of a missing field.
 */
export async function invoke(emu: { baseUrl: string }, name: string, event: unknown, openid?: string): Promise<any> {
  const res = await fetch(`${emu.baseUrl}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify(event),
  })
  const body = await res.json()
  return res.status === 200 ? body : { ok: false, httpStatus: res.status, ...body }
}

/** Pins the time the functions see (an ISO instant), or null for the real clock again. */
export async function setClock(emu: { baseUrl: string }, now: string | null): Promise<void> {
  const res = await fetch(`${emu.baseUrl}/clock`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now }) })
  if (!res.ok) throw new Error(`PUT /clock: ${res.status} ${await res.text()}`)
}
