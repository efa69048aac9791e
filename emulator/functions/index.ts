/**
 * The functions service: runs `dist/cloudfunctions/<name>/index.js` like SCF, for the SDK's
 * `functions.invokeFunction`, the loopback `/functions/<name>` route, the H5 gateway and timers.
 */
import { randomBytes, randomUUID } from 'crypto'
import fs from 'fs'
import path from 'path'
import { TcbError, type EmulatorInfo, type TcbReply, type TcbService, type TcbParams } from '../service'
import { InstancePool, type InvokeOutcome } from './pool'
import { codeVersion, functionFile, listFunctions, readConfig } from './registry'
import { parseCloudbaseCron, schedule } from './timers'

export const LOCAL_ENV_ID = 'local'
export const LOCAL_APPID = 'wx0000000000local'

/** Who calls: a mini-program user (OPENID) or a trusted caller (console, timer, other function). */
export interface Caller {
  openid?: string
  unionid?: string
  appid?: string
  /** TCB_SOURCE, e.g. wx_client (mini-program), wx_devtools (console), wx_server (function), timer */
  source: string
}

export interface FunctionsService extends TcbService {
  invoke(name: string, event: unknown, caller: Caller): Promise<InvokeOutcome>
  names(): string[]
  /** pins the time functions see (EMULATOR_NOW), or null for the real clock */
  setClock(now: Date | null): void
  /** invocations and their summed duration by `<function>.<event action>` since the start or the last reset (`/stats`) */
  usage(): Record<string, FunctionUsage>
  resetUsage(): void
  close(): Promise<void>
}

export interface FunctionUsage {
  calls: number
  /** summed durations (what CloudBase bills as function time, cold starts included) */
  ms: number
}

/** `<function>.<event action>`, or `<function>.?` for an event without a string `action`. */
export function invocationKey(name: string, event: unknown): string {
  const action = event && typeof event === 'object' ? (event as { action?: unknown }).action : undefined
  return `${name}.${typeof action === 'string' ? action : '?'}`
}

/** `env`: variables every function gets, as if set in the CloudBase console (the fake WeCom's address and keys). */
export async function createFunctionsService(info: EmulatorInfo, opts: { functionsDir: string; timers: boolean; env?: Record<string, string> }): Promise<FunctionsService> {
  const pools = new Map<string, InstancePool>()
  let pinnedNow: Date | null = null
  let usage = new Map<string, FunctionUsage>()
  const secrets = localSecrets(info.dataDir)
  // What SCF gives every instance: the SDK finds its environment and endpoint from these
  const runtimeEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    TZ: 'UTC', // cloud functions run in UTC: code must never depend on the host zone
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: LOCAL_ENV_ID,
    TCB_ENV: LOCAL_ENV_ID,
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    TENCENTCLOUD_SESSIONTOKEN: '',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${info.baseUrl}/tcb` }),
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    // lets a function offer local-only conveniences (e.g. showing the fake SMS code); never set on CloudBase
    CLOUDBASE_EMULATOR: '1',
  }

  const invoke = async (name: string, event: unknown, caller: Caller): Promise<InvokeOutcome> => {
    const file = functionFile(opts.functionsDir, name)
    if (!file) throw new TcbError('FUNCTIONS_NOT_FOUND', `function not found: ${name} (run npm run build:functions)`)
    const config = readConfig(opts.functionsDir, name)
    let pool = pools.get(name)
    if (!pool) {
      pool = new InstancePool(file, { ...runtimeEnv, SCF_FUNCTIONNAME: name })
      pools.set(name, pool)
    }
    const requestId = randomUUID()
    const wx: Record<string, string> = {
      WX_OPENID: caller.openid ?? '',
      WX_APPID: caller.openid ? (caller.appid ?? LOCAL_APPID) : '',
      WX_UNIONID: caller.unionid ?? '',
    }
    // the SDK forwards WX_API_TOKEN with openapi calls: the outbox records who sent what
    wx.WX_API_TOKEN = JSON.stringify({ appid: wx.WX_APPID, openid: wx.WX_OPENID, function: name })
    const env = {
      ...config.envVariables,
      ...opts.env,
      ...secrets,
      ...wx,
      WX_CONTEXT_KEYS: Object.keys(wx).join(','),
      TCB_SOURCE: caller.source,
      SCF_REQUEST_ID: requestId,
      ...(pinnedNow ? { EMULATOR_NOW: pinnedNow.toISOString() } : {}),
    }
    const context = {
      request_id: requestId,
      function_name: name,
      namespace: LOCAL_ENV_ID,
      environ: Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(';'),
    }
    // a mini-program call carries userInfo in the event, as wx.cloud.callFunction does
    if (caller.openid && event && typeof event === 'object' && !Array.isArray(event)) {
      event = { ...event, userInfo: { appId: wx.WX_APPID, openId: caller.openid } }
    }
    const key = invocationKey(name, event)
    const outcome = await pool.invoke({ event, env, context, timeoutMs: config.timeoutSeconds * 1000 }, codeVersion(file))
    const used = usage.get(key) ?? { calls: 0, ms: 0 }
    usage.set(key, { calls: used.calls + 1, ms: used.ms + outcome.durationMs })
    return outcome
  }

  const stopTimers = opts.timers ? startTimers(opts.functionsDir, invoke) : () => undefined

  return {
    invoke,
    names: () => listFunctions(opts.functionsDir),
    setClock(now) {
      pinnedNow = now
    },
    usage: () => Object.fromEntries([...usage].sort(([a], [b]) => (a < b ? -1 : 1))),
    resetUsage() {
      usage = new Map()
    },
    async handle(action: string, params: TcbParams): Promise<TcbReply> {
      if (action !== 'functions.invokeFunction') throw new TcbError('INVALID_ACTION', `unsupported action ${action}`)
      const name = String(params.function_name ?? '')
      let event: unknown = {}
      try {
        event = params.request_data ? JSON.parse(String(params.request_data)) : {}
      } catch {
        throw new TcbError('INVALID_PARAM', 'request_data must be JSON')
      }
      // a call from another function or a server: no mini-program user
      const outcome = await invoke(name, event, { source: 'wx_server' })
      if (!outcome.ok) throw new TcbError(outcome.code, outcome.message)
      return { data: { response_data: outcome.json } }
    },
    async close() {
      stopTimers()
      await Promise.all([...pools.values()].map(p => p.close()))
    },
  }
}

/** The member-code key and the orders API's master secret for API keys. */
const LOCAL_SECRETS = ['MEMBER_CODE_SECRET', 'ORDERS_KEY_SECRET']

/**
 * Secrets a function reads from its environment (set in the CloudBase console in production).
 * Locally they are generated once per data dir, so they are never in the repo.
 */
function localSecrets(dataDir: string): Record<string, string> {
  const file = path.join(dataDir, 'functions', 'secrets.json')
  const stored: Record<string, string> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}
  const missing = LOCAL_SECRETS.filter(name => !(name in stored))
  if (missing.length) {
    // a data dir from before a secret existed gets it added; the ones it has stay as they are (an empty
    // value stays empty: a deliberately missing secret, as in a misconfigured deployment)
    for (const name of missing) stored[name] = randomBytes(32).toString('hex')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 })
  }
  return stored
}

function startTimers(functionsDir: string, invoke: (name: string, event: unknown, caller: Caller) => Promise<InvokeOutcome>): () => void {
  const stops: Array<() => void> = []
  for (const name of listFunctions(functionsDir)) {
    for (const trigger of readConfig(functionsDir, name).triggers) {
      let cron
      try {
        cron = parseCloudbaseCron(trigger.cron)
      } catch (err) {
        console.error(`[emulator] ${name}: timer ${trigger.name} ignored: ${(err as Error).message}`)
        continue
      }
      stops.push(
        schedule(cron, at => {
          // SCF's timer event shape
          const event = { Type: 'Timer', TriggerName: trigger.name, Time: at.toISOString(), Message: '' }
          void invoke(name, event, { source: 'timer' }).then(
            outcome => {
              if (!outcome.ok) console.error(`[emulator] timer ${name}/${trigger.name} failed: ${outcome.message}`)
            },
            err => console.error(`[emulator] timer ${name}/${trigger.name} failed`, err),
          )
        }),
      )
      console.log(`  timer ${name}/${trigger.name}: ${trigger.cron}`)
    }
  }
  return () => stops.forEach(stop => stop())
}
