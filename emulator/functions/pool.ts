/** Warm instances of one function, each a child process that runs one request at a time (as SCF does). */
import { fork, type ChildProcess } from 'child_process'
import path from 'path'

const WORKER = path.join(__dirname, 'worker.js')
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
const MAX_INSTANCES = 8

export interface InvokeRequest {
  event: unknown
  env: Record<string, string>
  context: Record<string, unknown>
  timeoutMs: number
}

/** `durationMs`: from the instance taking the request (a cold start included) to its answer or failure */
export type InvokeOutcome =
  { ok: true; json: string; coldStart: boolean; durationMs: number } | { ok: false; code: 'FUNCTIONS_EXECUTE_FAIL' | 'FUNCTIONS_TIME_LIMIT_EXCEEDED'; message: string; durationMs: number }

interface Instance {
  proc: ChildProcess
  ready: Promise<void>
  busy: boolean
  version: string
}

export class InstancePool {
  private instances: Instance[] = []
  private waiters: Array<() => void> = []
  private nextId = 0

  constructor(
    private readonly file: string,
    private readonly baseEnv: Record<string, string>,
  ) {}

  async invoke(req: InvokeRequest, version: string): Promise<InvokeOutcome> {
    const { instance, coldStart } = await this.acquire(version)
    const started = Date.now()
    try {
      await instance.ready
      return await this.run(instance, req, started, coldStart)
    } finally {
      instance.busy = false
      this.waiters.shift()?.()
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map(i => this.kill(i)))
    this.instances = []
  }

  private async acquire(version: string): Promise<{ instance: Instance; coldStart: boolean }> {
    for (;;) {
      // a rebuilt function replaces its idle instances, like a redeploy
      for (const stale of this.instances.filter(i => !i.busy && i.version !== version)) void this.kill(stale)
      const idle = this.instances.find(i => !i.busy && i.version === version)
      if (idle) {
        idle.busy = true
        return { instance: idle, coldStart: false }
      }
      if (this.instances.length < MAX_INSTANCES) {
        const instance = this.spawn(version)
        instance.busy = true
        return { instance, coldStart: true }
      }
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  private spawn(version: string): Instance {
    const proc = fork(WORKER, [], {
      execArgv: [],
      env: { ...this.baseEnv, EMU_FUNCTION_FILE: this.file },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const ready = new Promise<void>((resolve, reject) => {
      proc.once('message', () => resolve())
      proc.once('exit', code => reject(new Error(`function instance exited during start (${code})`)))
    })
    ready.catch(() => undefined)
    const instance: Instance = { proc, ready, busy: false, version }
    proc.once('exit', () => {
      this.instances = this.instances.filter(i => i !== instance)
      this.waiters.shift()?.()
    })
    this.instances.push(instance)
    return instance
  }

  private run(instance: Instance, req: InvokeRequest, started: number, coldStart: boolean): Promise<InvokeOutcome> {
    const id = ++this.nextId
    return new Promise(resolve => {
      const done = (result: DistributiveOmit<InvokeOutcome, 'durationMs'>) => {
        const outcome = { ...result, durationMs: Date.now() - started } as InvokeOutcome
        clearTimeout(timer)
        instance.proc.off('message', onMessage)
        instance.proc.off('exit', onExit)
        resolve(outcome)
      }
      const onMessage = (msg: { type: string; id: number; ok: boolean; json?: string; error?: string }) => {
        if (msg.type !== 'result' || msg.id !== id) return
        if (msg.ok) done({ ok: true, json: msg.json ?? 'null', coldStart })
        else done({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: msg.error ?? 'function failed' })
      }
      const onExit = (code: number | null) => done({ ok: false, code: 'FUNCTIONS_EXECUTE_FAIL', message: `function instance exited (${code})` })
      const timer = setTimeout(() => {
        // SCF kills a timed-out instance; the next request gets a fresh one
        void this.kill(instance)
        done({ ok: false, code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED', message: `function timed out after ${req.timeoutMs} ms` })
      }, req.timeoutMs)
      instance.proc.on('message', onMessage)
      instance.proc.once('exit', onExit)
      instance.proc.send({ type: 'invoke', id, event: req.event, env: req.env, context: req.context })
    })
  }

  private kill(instance: Instance): Promise<void> {
    this.instances = this.instances.filter(i => i !== instance)
    if (instance.proc.exitCode !== null || instance.proc.signalCode !== null) return Promise.resolve()
    return new Promise(resolve => {
      instance.proc.once('exit', () => resolve())
      instance.proc.kill('SIGKILL')
    })
  }
}
