/**
 * What the bench scripts share about the emulators they start: calling a function and reading the
 * request counters over HTTP, and the runs in progress, which a signal handler must clean up
 * (finally blocks do not run when the process is killed).
 */
import { once } from 'events'
import fs from 'fs'
import { performance } from 'perf_hooks'
import type { RunningEmulator } from './emulator-process'

/** The emulator's database request counters (`/stats`): by request kind, and the total. */
export interface RequestStats {
  requests: Record<string, number>
  total: number
  /** function invocations by `<function>.<event action>` (among `requests['functions.invokeFunction']`) */
  invocations?: Record<string, number>
  /** every invocation (from the SDK, the loopback route or a timer) and its summed duration, by `<function>.<event action>` */
  functions?: Record<string, { calls: number; ms: number }>
}

/** The summed duration of every function invocation the stats counted, in seconds. */
export const functionSeconds = (stats: RequestStats) => Object.values(stats.functions ?? {}).reduce((s, f) => s + f.ms, 0) / 1000

/** `GET /stats` reads the counters; `DELETE /stats` reads and resets them. */
export async function requestStats(emu: RunningEmulator, method: 'GET' | 'DELETE' = 'GET'): Promise<RequestStats> {
  const res = await fetch(`${emu.baseUrl}/stats`, { method })
  if (!res.ok) throw new Error(`${method} /stats: ${res.status} ${await res.text()}`)
  return (await res.json()) as RequestStats
}

export interface Answer {
  status: number
  /** the function's answer, or the raw text when it is not JSON */
  body: any
  /** wall time of the HTTP call */
  ms: number
  coldStart: boolean
  /** the function's own duration, as the emulator measured it */
  durationMs: number
}

/** Calls a function as the console (or as `openid`), timing the call. */
export async function callFunction(emu: RunningEmulator, fn: string, event: unknown, openid?: string): Promise<Answer> {
  const started = performance.now()
  const res = await fetch(`${emu.baseUrl}/functions/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify(event),
  })
  const text = await res.text()
  const ms = performance.now() - started
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, body, ms, coldStart: res.headers.get('x-cold-start') === 'true', durationMs: Number(res.headers.get('x-duration-ms') ?? NaN) }
}

/** A set-up call that must answer ok: its data. */
export async function must(emu: RunningEmulator, fn: string, event: unknown, openid?: string): Promise<any> {
  const a = await callFunction(emu, fn, event, openid)
  if (a.status !== 200 || a.body?.ok !== true)
    throw new Error(`${fn}.${(event as { action?: string }).action}${openid ? ` as ${openid}` : ''}: HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`)
  return a.body.data
}

/** A figure for a table: thousands grouped, `digits` decimals, – for none. */
export const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–')

export const hasExited = (emu: RunningEmulator) => emu.proc.exitCode !== null || emu.proc.signalCode !== null

/**
 * Calls a function as a timer tick would see it: a connection closed under the call (the emulator
 * dropped a kept-alive socket) answers status 0 with the transport's reason, a failed call to retry;
 * an emulator that has exited ends the run.
 */
export async function callOrTransportFailure(emu: RunningEmulator, fn: string, event: unknown): Promise<Pick<Answer, 'status' | 'body'>> {
  try {
    return await callFunction(emu, fn, event)
  } catch (e) {
    if (hasExited(emu)) throw e
    return { status: 0, body: { code: 'TRANSPORT', message: String((e as Error).cause ?? e) } }
  }
}

/** A run's data dir and, once started, its emulator. */
export interface BenchRun {
  dataDir: string
  emu?: RunningEmulator
}
const active = new Set<BenchRun>()

const EXIT_GRACE_MS = 1000

/** Registers a run until its `finish` (in the run's finally block) stops its emulator and removes its data dir. */
export function trackRun(dataDir: string): { run: BenchRun; finish: (log: (line: string) => void) => Promise<void> } {
  const run: BenchRun = { dataDir }
  active.add(run)
  const finish = async (log: (line: string) => void) => {
    try {
      if (run.emu) {
        // an emulator that died mid-run (a crash, the OOM killer) leaves only its output to say why; its
        // exit may not have been reaped yet when the refused connection ended the run
        if (!hasExited(run.emu)) await Promise.race([once(run.emu.proc, 'exit'), new Promise(resolve => setTimeout(resolve, EXIT_GRACE_MS))])
        const { exitCode, signalCode } = run.emu.proc
        if (hasExited(run.emu)) log(`  the emulator had exited (${signalCode ?? `code ${exitCode}`}); its last output:\n${run.emu.output().slice(-3000)}`)
        log('  stopping the emulator')
        await run.emu.stop()
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
      active.delete(run)
    }
  }
  return { run, finish }
}

/** Kills the emulators of the runs in progress and removes their data dirs (for SIGINT/SIGTERM). */
export function cleanUpRuns(): void {
  for (const a of active) {
    a.emu?.proc.kill('SIGKILL')
    fs.rmSync(a.dataDir, { recursive: true, force: true })
  }
  active.clear()
}

/** The detailed log goes to stderr (stdout carries the summary table). */
export const stderr = (line: string) => process.stderr.write(`${line}\n`)
export const seconds = (since: number) => (performance.now() - since) / 1000
