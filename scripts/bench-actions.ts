/**
 * The "actions" part of `npm run bench` (issues 6 and 7): every member and staff action called
 * through the loopback interface of the local CloudBase, as realistic callers, on a data dir holding
 * N members (default 100,000, with their purchase rows) and P products (default 5,000).
 *
 * Set-up (not measured): the members and their purchase rows are written into the emulator's
 * snapshot (scripts/bench-seed.ts); with the emulator up, the products go in through
 * `admin.importProducts`, the co-purchase neighbours and the popularity doc are computed by the daily
 * job's own step (`refreshNeighbors` from cloudfunctions/tiers/similarity.ts, run through the SDK
 * against the emulator), a store, its staff member, coupon templates, points and coupons for the
 * callers go in through the admin actions, and the callers' member-code keys come from
 * `member.getCodeKey`. Then the emulator is restarted, so every function starts cold.
 *
 * Measured: the first call of each function after the start (its instance is forked, the bundle and
 * wx-server-sdk loaded) against the warm median of the same call; then each action K times,
 * sequentially, with `DELETE /stats` before and `GET /stats` after each call, so the requests counted
 * are that call's. Inputs that a call uses up (member codes, phone codes, coupons, the day's check-in,
 * task rewards, accounts) are fresh for every call and prepared outside the timed part.
 */
import { spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { performance } from 'perf_hooks'
import { DEFAULT_PRIVACY_POLICY } from '../types/consent'
import { MemberEvents } from '../types/member'
import { StaffEvents } from '../types/staff'
import { memberCode } from '../domain/member-code'
import { shanghaiDay } from '../domain/time'
import { sdkFor, startEmulator, type RunningEmulator } from './emulator-process'
import { callFunction, requestStats, seconds, stderr, trackRun, fmt, must } from './bench-emulator'
import { BENCH_STORES, benchProducts, seedDataDir, type BenchProduct } from './bench-seed'
import { ensureFunctionsBuilt } from './builds'

export const DEFAULT_ACTIONS_MEMBERS = 100_000
export const DEFAULT_ACTIONS_PRODUCTS = 5_000
export const DEFAULT_ACTIONS_REPS = 40

export interface ActionsOptions {
  /** members seeded (default 100,000) */
  members?: number
  /** products imported (default 5,000) */
  products?: number
  /** calls per action (default 40) */
  reps?: number
  seed?: number
  /** the seed cache folder (`--seed-cache`) */
  seedCache?: string
  log?: (line: string) => void
}

export interface ActionRow {
  fn: 'member' | 'staff'
  action: string
  /** who calls, with what */
  caller: string
  calls: number
  /** calls answered `{ ok: true }` (the latency and request figures are over these) */
  ok: number
  p50Ms: number
  p95Ms: number
  /** `database.*` requests per call (mean) */
  dbPerCall: number
  dbMin: number
  dbMax: number
  /** every SDK request kind per call (mean), e.g. `database.queryDocument` */
  perCall: Record<string, number>
  /** the first few failures, if any */
  errors: string[]
  /** why the action could not be measured (no calls made) */
  skipped?: string
}

export interface ColdStart {
  fn: string
  /** the event of the first call (and of the warm calls it is compared with) */
  event: string
  coldMs: number
  /** the emulator's `x-cold-start` header for the first call: an instance was started for it */
  coldStartFlag: boolean
  /** the emulator's own timing of the first call (`x-duration-ms`: instance start + handler) */
  coldDurationMs: number
  warmP50Ms: number
  warmCalls: number
}

export interface ActionsResult {
  members: number
  products: number
  reps: number
  purchases: number
  purchaseLines: number
  lastYearPurchases: number
  neighbours: { purchases: number; items: number; seconds: number }
  seedSeconds: number
  setupSeconds: number
  /** the restart before the measurements (loading the snapshot) */
  startSeconds: number
  coldStarts: ColdStart[]
  rows: ActionRow[]
  /** member/staff actions of types/ without a bench row (should be empty) */
  missing: string[]
  dataDir: string
  measuredAt: string
  machine: string
  /** the 1-minute load average when the measurements started and ended (the machine may be shared) */
  load: [number, number]
}

/** The actions as the contracts declare them (types/member.ts, types/staff.ts). */
export function declaredActions(): { member: string[]; staff: string[] } {
  const names = (union: { options: ReadonlyArray<{ shape: { action: { value: unknown } } }> }) => union.options.map(o => String(o.shape.action.value))
  return { member: names(MemberEvents as never), staff: names(StaffEvents as never) }
}

/** Deployable functions: the folders of cloudfunctions/ with a config.json (shared/ is bundled into each). */
export function functionNames(root = path.resolve(__dirname, '../cloudfunctions')): string[] {
  return fs
    .readdirSync(root)
    .filter(name => fs.existsSync(path.join(root, name, 'config.json')))
    .sort()
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/**
 * The daily job's similarity step (cloudfunctions/tiers/similarity.ts), run in a child process whose
 * wx-server-sdk is pointed at the emulator the way the emulator points its function instances.
 */
async function refreshNeighborsOn(emu: RunningEmulator, now: Date): Promise<{ purchases: number; items: number }> {
  const file = path.resolve(__dirname, '../cloudfunctions/tiers/similarity.ts')
  const code = `require('tsx/cjs'); require(${JSON.stringify(file)}).refreshNeighbors(new Date(${JSON.stringify(now.toISOString())})).then(r => process.stdout.write(JSON.stringify(r)), e => { console.error(e); process.exit(1) })`
  const env = {
    PATH: process.env.PATH ?? '',
    TZ: 'UTC',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: 'local',
    TCB_ENV: 'local',
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    TENCENTCLOUD_SESSIONTOKEN: '',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: emu.serviceUrl }),
  }
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['-e', code], { cwd: path.resolve(__dirname, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    proc.stdout.on('data', d => (out += d))
    proc.stderr.on('data', d => (err += d))
    proc.on('error', reject)
    proc.on('exit', code => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`refreshNeighbors exited with ${code}: ${err.slice(-2000)}`))))
  })
}

/** Loading 100,000 members and their purchases can take longer than the tests' 30 s start limit. */
const START_TIMEOUT_MS = 600_000

interface Caller {
  openid: string
  memberNo: string
  joinedAt: Date
}

/** One action's measurement: `prepare(i)` (untimed) gives the call's event and caller. */
interface Spec {
  fn: 'member' | 'staff'
  action: string
  caller: string
  skip?: string
  prepare(i: number): Promise<{ event: Record<string, unknown>; openid: string }> | { event: Record<string, unknown>; openid: string }
  /** after a successful call (untimed): keep what later actions use */
  after?(body: any, i: number): void
}

async function measure(emu: RunningEmulator, spec: Spec, reps: number, log: (line: string) => void): Promise<ActionRow> {
  const row: ActionRow = { fn: spec.fn, action: spec.action, caller: spec.caller, calls: 0, ok: 0, p50Ms: NaN, p95Ms: NaN, dbPerCall: NaN, dbMin: NaN, dbMax: NaN, perCall: {}, errors: [] }
  if (spec.skip) return { ...row, skipped: spec.skip }
  const latencies: number[] = []
  const dbCounts: number[] = []
  const kinds: Record<string, number> = {}
  for (let i = 0; i < reps; i++) {
    const { event, openid } = await spec.prepare(i)
    await requestStats(emu, 'DELETE')
    const answer = await callFunction(emu, spec.fn, { action: spec.action, ...event }, openid)
    const counted = await requestStats(emu)
    row.calls++
    if (answer.status !== 200 || !answer.body?.ok) {
      if (row.errors.length < 3) row.errors.push(`${answer.body?.code ?? answer.status}: ${String(answer.body?.message ?? JSON.stringify(answer.body)).slice(0, 160)}`)
      continue
    }
    row.ok++
    latencies.push(answer.ms)
    dbCounts.push(Object.entries(counted.requests).reduce((s, [k, v]) => s + (k.startsWith('database.') ? v : 0), 0))
    for (const [k, v] of Object.entries(counted.requests)) kinds[k] = (kinds[k] ?? 0) + v
    spec.after?.(answer.body.data, i)
  }
  if (row.ok) {
    row.p50Ms = percentile(latencies, 50)
    row.p95Ms = percentile(latencies, 95)
    row.dbPerCall = dbCounts.reduce((s, v) => s + v, 0) / row.ok
    row.dbMin = Math.min(...dbCounts)
    row.dbMax = Math.max(...dbCounts)
    row.perCall = Object.fromEntries(
      Object.entries(kinds)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, v / row.ok]),
    )
  }
  log(
    `  ${spec.fn}.${spec.action}: ${row.ok}/${row.calls} ok, p50 ${row.p50Ms.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms, ${row.dbPerCall.toFixed(1)} db requests/call${row.errors.length ? `; ${row.errors[0]}` : ''}`,
  )
  return row
}

/** Hands out callers from a list, each once. */
function pool(list: Caller[]) {
  let next = 0
  return {
    take(n: number, what: string): Caller[] {
      if (next + n > list.length) throw new Error(`not enough seeded buyers for ${what}: need ${n} more, ${list.length - next} left (seed more members or lower the repetitions)`)
      const out = list.slice(next, next + n)
      next += n
      return out
    },
  }
}

export async function benchActions(opts: ActionsOptions = {}): Promise<ActionsResult> {
  const log = opts.log ?? stderr
  const n = opts.members ?? DEFAULT_ACTIONS_MEMBERS
  const productCount = opts.products ?? DEFAULT_ACTIONS_PRODUCTS
  const reps = opts.reps ?? DEFAULT_ACTIONS_REPS
  const seed = opts.seed ?? 20_240_601
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-actions-${n}-`))
  let emu: RunningEmulator | undefined
  const { run: current, finish } = trackRun(dataDir)
  try {
    await ensureFunctionsBuilt()
    // ---- seed the snapshot: members, then the purchase rows behind their histories ----
    log(`actions: N = ${n.toLocaleString('en-US')} members, ${productCount.toLocaleString('en-US')} products, ${reps} calls per action; seeding ${dataDir}`)
    let t = performance.now()
    const products = benchProducts(productCount, seed)
    const { purchases: seeded, cached } = await seedDataDir(dataDir, { n, seed, products: productCount }, opts.seedCache, log)
    if (!seeded) throw new Error('the seed has no purchases')
    const seedSeconds = seconds(t)
    log(
      `  ${cached ? 'copied' : 'seeded'} in ${seedSeconds.toFixed(1)} s: ${seeded.purchases.toLocaleString('en-US')} purchases (${seeded.lastYear.toLocaleString('en-US')} in the last 12 months), ${seeded.callers.length.toLocaleString('en-US')} members with 2+ purchases`,
    )

    // ---- set-up through the real actions (not measured) ----
    t = performance.now()
    emu = current.emu = await startEmulator({ dataDir, args: ['--no-timers'], startTimeoutMs: START_TIMEOUT_MS })
    log(`  emulator up in ${seconds(t).toFixed(1)} s; importing products`)
    for (let i = 0; i < products.length; i += 500) await must(emu, 'admin', { action: 'importProducts', products: products.slice(i, i + 500) })
    log(`  products imported after ${seconds(t).toFixed(1)} s; computing co-purchase neighbours (the daily job's step)`)
    const tn = performance.now()
    const neighbourCounts = await refreshNeighborsOn(emu, new Date())
    const neighbours = { ...neighbourCounts, seconds: seconds(tn) }
    log(`  neighbours of ${neighbours.items} items from ${neighbours.purchases.toLocaleString('en-US')} purchases in ${neighbours.seconds.toFixed(1)} s`)

    // callers: buyers with 2+ purchases in a stable random order (sorted by OPENID), spread over the roles below
    const buyers: Caller[] = seeded.callers.map(c => ({ openid: c.openid, memberNo: c.memberNo, joinedAt: new Date(c.joinedAt) }))
    const staffCaller = seeded.nonBuyers[0]
    if (!staffCaller) throw new Error('no member without purchases to appoint as staff')
    const STAFF = staffCaller.openid
    const STORE = BENCH_STORES[0]
    const today = shanghaiDay(new Date())
    const yesterday = shanghaiDay(new Date(Date.now() - 86_400_000))
    const makeUpPossible = yesterday.slice(0, 7) === today.slice(0, 7)
    const monthStart = new Date(`${today.slice(0, 8)}01T00:00:00+08:00`)
    const early = buyers.filter(b => b.joinedAt < monthStart)
    const late = buyers.filter(b => b.joinedAt >= monthStart)
    const callers = pool([...early, ...late])
    const readers = callers.take(Math.max(5, Math.min(30, reps)), 'the readers')
    const makeUppers = makeUpPossible ? callers.take(reps, 'makeUpCheckin') : []
    const fresh = (what: string) => callers.take(reps, what)
    const role = {
      phone: fresh('requestPhoneCode/bindPhoneBySms'),
      wxPhone: fresh('bindPhone'),
      checkIn: fresh('checkIn'),
      claim: fresh('claimCoupon'),
      exchange: fresh('exchangeCoupon'),
      task: fresh('claimTaskReward'),
      purchase: fresh('recordPurchase'),
      writeOff: fresh('writeOffCoupon'),
      deleted: fresh('deleteMyAccount'),
      birthday: fresh('claimBirthdayGift'),
      // a purchase at the bench store today (recorded below): what the NPS question is about
      nps: fresh('npsPrompt/submitNps'),
      npsDismiss: fresh('dismissNps'),
    }

    await must(emu, 'admin', { action: 'upsertStore', storeId: STORE, name: '基准测试门店', city: '上海' })
    await must(emu, 'admin', { action: 'appointStaff', openid: STAFF, storeId: STORE, name: '基准店员' })
    await must(emu, 'admin', { action: 'setStaffWecomUser', openid: STAFF, wecomUserId: 'bench_staff' })
    const templates = [
      {
        templateId: 'bench-claim',
        name: '满100减20',
        type: 'threshold',
        valueFen: 2000,
        minSpendFen: 10000,
        validity: { kind: 'relative', days: 30 },
        totalStock: null,
        perMemberLimit: 5,
        audience: { kind: 'all' },
        channels: ['claim_center'],
        stackable: false,
      },
      {
        templateId: 'bench-mall',
        name: '5 元无门槛券',
        type: 'cash',
        valueFen: 500,
        minSpendFen: 0,
        validity: { kind: 'relative', days: 30 },
        totalStock: null,
        perMemberLimit: 100,
        audience: { kind: 'all' },
        channels: ['points_mall'],
        pointsPrice: 100,
        stackable: true,
      },
      {
        templateId: 'bench-gift',
        name: '品牌帆布袋',
        type: 'gift',
        giftName: '帆布袋',
        minSpendFen: 0,
        validity: { kind: 'relative', days: 30 },
        totalStock: null,
        perMemberLimit: 5,
        audience: { kind: 'all' },
        channels: ['admin'],
        stackable: false,
      },
    ]
    for (const template of templates) await must(emu, 'admin', { action: 'upsertCouponTemplate', template })
    // a birthday gift of points, and the claimers born today (1992, a leap year, so 29 February works too): their birthday week is open
    await must(emu, 'admin', { action: 'setBirthdayGiftRules', rules: { enabled: true, points: 88, couponTemplateId: null } })
    for (const c of role.birthday) await must(emu, 'member', { action: 'updateProfile', patch: { birthday: `1992-${today.slice(5)}` } }, c.openid)
    // points to spend (exchange, make-ups), gift coupons to hand over (write-offs) and to list (readers)
    for (const [i, c] of [...role.exchange, ...makeUppers].entries())
      await must(emu, 'admin', { action: 'adjustPoints', openid: c.openid, delta: 1000, reason: '基准测试', requestId: `bench-adj-${i}-${seed}` })
    const giftees = [...role.writeOff, ...readers]
    // small batches, rerun with the same requestId (idempotent) while some are unfinished: a batch's
    // parallel issues all update the template doc and can run out of transaction retries on a busy emulator
    let reruns = 0
    for (let i = 0; i < giftees.length; i += 10) {
      const event = { action: 'issueCoupons', templateId: 'bench-gift', memberNos: giftees.slice(i, i + 10).map(c => c.memberNo), requestId: `bench-gift-${i}-${seed}` }
      for (let attempt = 1; ; attempt++) {
        const a = await callFunction(emu, 'admin', event)
        if (a.body?.ok && !a.body.data.unfinished) break
        reruns++
        if (attempt >= 20) throw new Error(`admin.issueCoupons: ${JSON.stringify(a.body).slice(0, 300)}`)
      }
    }
    if (reruns) log(`  admin.issueCoupons left members unfinished ${reruns} times (rerun with the same requestId)`)
    // a purchase today for the NPS callers, recorded at the till by memberNo
    const npsPurchase = new Map<string, string>()
    for (const [i, c] of [...role.nps, ...role.npsDismiss].entries()) {
      const data = await must(
        emu,
        'staff',
        {
          action: 'recordPurchase',
          requestId: `bench-nps-pur-${seed}-${i}`,
          member: { memberNo: c.memberNo },
          amountFen: products[i % products.length].priceFen,
          lines: [{ productId: products[i % products.length].productId, category: products[i % products.length].category, quantity: 1, priceFen: products[i % products.length].priceFen }],
        },
        STAFF,
      )
      npsPurchase.set(c.openid, data.purchase.purchaseId)
    }
    // member-code keys, from the action the member's device calls once
    const keys = new Map<string, string>()
    for (const c of [...readers, ...role.purchase]) keys.set(c.openid, (await must(emu, 'member', { action: 'getCodeKey' }, c.openid)).key)
    const couponsOf = new Map<string, { couponId: string; code: string }>()
    const db = sdkFor(emu).database()
    const _ = db.command
    for (let i = 0; i < giftees.length; i += 100) {
      const { data } = await db
        .collection('coupons')
        .where({ memberId: _.in(giftees.slice(i, i + 100).map(c => c.openid)), templateId: 'bench-gift' })
        .limit(1000)
        .get()
      for (const c of data) couponsOf.set(String(c.memberId), { couponId: String(c._id), code: String(c.code) })
    }
    log(`  set-up done after ${seconds(t).toFixed(1)} s; restarting the emulator so every function starts cold`)
    await emu.stop()
    emu = undefined
    const setupSeconds = seconds(t)

    // ---- cold starts ----
    t = performance.now()
    emu = current.emu = await startEmulator({ dataDir, args: ['--no-timers'], startTimeoutMs: START_TIMEOUT_MS })
    const startSeconds = seconds(t)
    log(`  emulator up again in ${startSeconds.toFixed(1)} s`)
    const coldEvents: Record<string, { event: Record<string, unknown>; openid?: string }> = {
      member: { event: { action: 'getProfile' }, openid: readers[0].openid },
      staff: { event: { action: 'me' }, openid: STAFF },
      admin: { event: { action: 'getPointRules' } },
      tiers: { event: { action: 'status' } },
    }
    const loadAtStart = os.loadavg()[0]
    const coldStarts: ColdStart[] = []
    for (const fn of functionNames()) {
      // functions without a cheap read action (reminders has only its hourly `run`): an event it rejects after loading
      const { event, openid } = coldEvents[fn] ?? { event: { action: 'benchPing' } }
      const first = await callFunction(emu, fn, event, openid)
      const warm: number[] = []
      for (let i = 0; i < Math.max(5, Math.min(20, reps)); i++) warm.push((await callFunction(emu, fn, event, openid)).ms)
      const c: ColdStart = {
        fn,
        event: JSON.stringify(event),
        coldMs: first.ms,
        coldStartFlag: first.coldStart,
        coldDurationMs: first.durationMs,
        warmP50Ms: percentile(warm, 50),
        warmCalls: warm.length,
      }
      coldStarts.push(c)
      log(`  cold start ${fn}: ${c.coldMs.toFixed(0)} ms (warm p50 ${c.warmP50Ms.toFixed(1)} ms)`)
    }

    // ---- every member and staff action ----
    const reader = (i: number) => readers[i % readers.length]
    const phones = new Map<string, { phone: string; devCode?: string }>()
    const boundPhones: string[] = []
    const purchaseIds: string[] = []
    const writeOffIds: string[] = []
    const followUpIds = new Set<string>()
    const careTaskIds = new Set<string>()
    const codeFor = (c: Caller) => memberCode(keys.get(c.openid)!, c.memberNo, new Date())
    const phoneOf = (k: number) => `139${String(10_000_000 + ((seed + k * 7919) % 90_000_000)).padStart(8, '0')}`
    const lines = (i: number, count: number): { lines: Array<{ productId: string; category: string; quantity: number; priceFen: number }>; amountFen: number } => {
      const chosen: BenchProduct[] = Array.from({ length: count }, (_x, k) => products[(i * 37 + k * 101) % products.length])
      const l = chosen.map(p => ({ productId: p.productId, category: p.category, quantity: 1, priceFen: p.priceFen }))
      return { lines: l, amountFen: l.reduce((s, x) => s + x.priceFen, 0) }
    }
    const readerSpec = (action: string, event: Record<string, unknown> = {}, caller = 'a seeded buyer (2+ purchases)'): Spec => ({
      fn: 'member',
      action,
      caller,
      prepare: i => ({ event, openid: reader(i).openid }),
    })
    const specs: Spec[] = [
      readerSpec('login', {}, 'a seeded buyer signing in again (an existing member)'),
      readerSpec('getProfile'),
      { fn: 'member', action: 'updateProfile', caller: 'a seeded buyer, new nickname', prepare: i => ({ event: { patch: { nickname: `会员${i}号` } }, openid: reader(i).openid }) },
      readerSpec('getPoints'),
      readerSpec('pointsHistory', { limit: 20 }),
      readerSpec('myPurchases', { limit: 20 }),
      readerSpec('getCodeKey'),
      {
        fn: 'member',
        action: 'requestPhoneCode',
        caller: 'a fresh buyer each call (one code a minute per member)',
        prepare: i => {
          const phone = phoneOf(i)
          phones.set(role.phone[i].openid, { phone })
          return { event: { phone }, openid: role.phone[i].openid }
        },
        after: (data, i) => (phones.get(role.phone[i].openid)!.devCode = data.devCode),
      },
      {
        fn: 'member',
        action: 'bindPhoneBySms',
        caller: 'the member who just requested the code, with it',
        prepare: i => {
          const p = phones.get(role.phone[i].openid) ?? { phone: phoneOf(i), devCode: '000000' }
          return { event: { phone: p.phone, smsCode: p.devCode ?? '000000' }, openid: role.phone[i].openid }
        },
        after: (_d, i) => boundPhones.push(phones.get(role.phone[i].openid)!.phone),
      },
      {
        fn: 'member',
        action: 'bindPhone',
        caller: "a fresh buyer each call, a getPhoneNumber code (the emulator's fake phone)",
        prepare: i => ({ event: { wxCode: `bench-wx-${seed}-${i}` }, openid: role.wxPhone[i].openid }),
        after: data => data.member?.phone && boundPhones.push(data.member.phone),
      },
      readerSpec('exportMyData'),
      readerSpec('privacyPolicy'),
      readerSpec('agreePrivacy', { version: DEFAULT_PRIVACY_POLICY.version }, 'a seeded buyer, the current guide (a repeat writes nothing)'),
      readerSpec('withdrawPrivacy', {}, 'a seeded buyer (after agreeing: one write)'),
      { fn: 'member', action: 'checkIn', caller: 'a fresh buyer each call (once a day)', prepare: i => ({ event: {}, openid: role.checkIn[i].openid }) },
      readerSpec('checkinCalendar'),
      {
        fn: 'member',
        action: 'makeUpCheckin',
        caller: 'a fresh buyer each call, yesterday, paid with points',
        ...(makeUpPossible ? {} : { skip: 'today is the 1st: no earlier day of this month to make up' }),
        prepare: i => ({ event: { day: yesterday, payWith: 'points' }, openid: makeUppers[i].openid }),
      },
      readerSpec('claimCenter'),
      {
        fn: 'member',
        action: 'claimCoupon',
        caller: 'a fresh buyer each call',
        prepare: i => ({ event: { templateId: 'bench-claim', requestId: `bench-claim-${seed}-${i}` }, openid: role.claim[i].openid }),
      },
      readerSpec('myCoupons', { state: 'available' }),
      {
        fn: 'member',
        action: 'couponDetail',
        caller: 'a seeded buyer, their gift coupon',
        prepare: i => ({ event: { couponId: couponsOf.get(reader(i).openid)?.couponId ?? 'none' }, openid: reader(i).openid }),
      },
      readerSpec('pointsMall'),
      {
        fn: 'member',
        action: 'exchangeCoupon',
        caller: 'a fresh buyer each call, 1,000 points',
        prepare: i => ({ event: { templateId: 'bench-mall', requestId: `bench-mall-${seed}-${i}` }, openid: role.exchange[i].openid }),
      },
      readerSpec('tasks'),
      { fn: 'member', action: 'claimTaskReward', caller: 'a fresh buyer each call, first_purchase', prepare: i => ({ event: { taskId: 'first_purchase' }, openid: role.task[i].openid }) },
      readerSpec('myInvites'),
      readerSpec('myTier'),
      {
        fn: 'member',
        action: 'track',
        caller: 'a seeded buyer, 5 views',
        prepare: i => ({
          event: {
            requestId: `bench-track-${seed}-${i}`,
            events: Array.from({ length: 5 }, (_x, k) => ({ type: 'view', productId: products[(i * 5 + k) % products.length].productId, source: 'home.recommend' })),
          },
          openid: reader(i).openid,
        }),
      },
      {
        fn: 'member',
        action: 'reportSubscribe',
        caller: 'a seeded buyer, one accepted template',
        prepare: i => ({ event: { requestId: `bench-sub-${seed}-${i}`, result: { benchTemplate01: 'accept' } }, openid: reader(i).openid }),
      },
      readerSpec('reminderPreferences'),
      { fn: 'member', action: 'setReminderPreference', caller: 'a seeded buyer', prepare: i => ({ event: { kind: 'coupon_expiring', on: i % 2 === 0 }, openid: reader(i).openid }) },
      { fn: 'member', action: 'npsPrompt', caller: 'a fresh buyer who bought at the bench store today', prepare: i => ({ event: {}, openid: role.nps[i].openid }) },
      {
        fn: 'member',
        action: 'submitNps',
        caller: 'the same member, their purchase, a detractor score 0–6 (opens a follow-up)',
        prepare: i => ({ event: { purchaseId: npsPurchase.get(role.nps[i].openid), score: i % 7, comment: '排队太久了' }, openid: role.nps[i].openid }),
      },
      {
        fn: 'member',
        action: 'dismissNps',
        caller: 'a fresh buyer who bought today, their purchase',
        prepare: i => ({ event: { purchaseId: npsPurchase.get(role.npsDismiss[i].openid) }, openid: role.npsDismiss[i].openid }),
      },
      { fn: 'member', action: 'setNpsOptOut', caller: 'a seeded buyer', prepare: i => ({ event: { optOut: i % 2 === 0 }, openid: reader(i).openid }) },
      readerSpec('birthdayGift'),
      {
        fn: 'member',
        action: 'claimBirthdayGift',
        caller: 'a fresh buyer each call, born today, a gift of 88 points',
        prepare: i => ({ event: {}, openid: role.birthday[i].openid }),
      },
      readerSpec('myAdvisor', {}, 'a seeded buyer without a WeCom advisor (their store’s staff)'),
      readerSpec('recommendations', { limit: 10 }, `a seeded buyer (2+ purchases), ${productCount.toLocaleString('en-US')} products`),
      { fn: 'member', action: 'deleteMyAccount', caller: 'a fresh buyer each call', prepare: i => ({ event: { confirm: true }, openid: role.deleted[i].openid }) },

      { fn: 'staff', action: 'me', caller: 'the store’s staff member', prepare: () => ({ event: {}, openid: STAFF }) },
      { fn: 'staff', action: 'verifyCode', caller: 'staff, a current member code', prepare: i => ({ event: { code: codeFor(reader(i)) }, openid: STAFF }) },
      {
        fn: 'staff',
        action: 'findMemberByPhone',
        caller: 'staff, a phone bound above',
        prepare: i => ({ event: { phone: boundPhones[i % Math.max(1, boundPhones.length)] ?? phoneOf(0) }, openid: STAFF }),
      },
      {
        fn: 'staff',
        action: 'recordPurchase',
        caller: 'staff, a fresh member code, 2 lines',
        prepare: i => ({ event: { requestId: `bench-pur-${seed}-${i}`, member: { code: codeFor(role.purchase[i]) }, ...lines(i, 2) }, openid: STAFF }),
        after: data => purchaseIds.push(data.purchase.purchaseId),
      },
      { fn: 'staff', action: 'today', caller: 'staff (their store today)', prepare: () => ({ event: {}, openid: STAFF }) },
      {
        fn: 'staff',
        action: 'refundPurchase',
        caller: 'staff, a purchase recorded above, in full',
        prepare: i => ({ event: { requestId: `bench-ref-${seed}-${i}`, purchaseId: purchaseIds[i] ?? 'none', reason: '顾客退货' }, openid: STAFF }),
      },
      { fn: 'staff', action: 'memberCoupons', caller: 'staff, a member number', prepare: i => ({ event: { member: { memberNo: reader(i).memberNo } }, openid: STAFF }) },
      {
        fn: 'staff',
        action: 'writeOffCoupon',
        caller: 'staff, a fresh member’s gift coupon',
        prepare: i => ({
          event: { requestId: `bench-wo-${seed}-${i}`, member: { memberNo: role.writeOff[i].memberNo }, couponCode: couponsOf.get(role.writeOff[i].openid)?.code ?? 'NONE000000' },
          openid: STAFF,
        }),
        after: data => writeOffIds.push(data.writeOff.writeOffId),
      },
      {
        fn: 'staff',
        action: 'followUps',
        caller: 'staff, their store’s open follow-ups (the detractors above)',
        prepare: () => ({ event: { status: 'open', limit: 50 }, openid: STAFF }),
        after: data => data.items.forEach((f: { followUpId: string }) => followUpIds.add(f.followUpId)),
      },
      {
        fn: 'staff',
        action: 'closeFollowUp',
        caller: 'staff, an open follow-up, with a note',
        prepare: i => ({ event: { followUpId: [...followUpIds][i] ?? 'none', note: '已电话回访，顾客接受致歉' }, openid: STAFF }),
      },
      {
        fn: 'staff',
        action: 'myCareTasks',
        caller: 'staff, their own and their store’s open care tasks (the detractors above)',
        prepare: () => ({ event: { status: 'todo', limit: 50 }, openid: STAFF }),
        after: data => data.items.forEach((t: { taskId: string }) => careTaskIds.add(t.taskId)),
      },
      { fn: 'staff', action: 'markCareTask', caller: 'staff, a care task above, 已发送', prepare: i => ({ event: { taskId: [...careTaskIds][i] ?? 'none', mark: 'sent' }, openid: STAFF }) },
      { fn: 'staff', action: 'myContactWay', caller: 'the store’s staff member, their 联系我 code (the fake WeCom)', prepare: () => ({ event: {}, openid: STAFF }) },
      { fn: 'staff', action: 'undoWriteOff', caller: 'staff, a write-off above', prepare: i => ({ event: { writeOffId: writeOffIds[i] ?? 'none', reason: '顾客要求撤销' }, openid: STAFF }) },
      {
        fn: 'staff',
        action: 'tillCatalog',
        caller: `staff, a title search (a regex over ${productCount.toLocaleString('en-US')} products) and the categories`,
        prepare: i => ({ event: { query: String(10 + (i % 40)), limit: 20 }, openid: STAFF }),
      },
      { fn: 'staff', action: 'tillQuickKeys', caller: 'staff, their store’s top sellers of 30 days (purchases above)', prepare: () => ({ event: {}, openid: STAFF }) },
      {
        fn: 'staff',
        action: 'productByCode',
        caller: 'staff, an on-sale productId typed',
        prepare: i => {
          const onSale = products.filter(p => p.onSale)
          return { event: { code: onSale[i % onSale.length].productId }, openid: STAFF }
        },
      },
    ]

    const declared = declaredActions()
    const missing = [...declared.member.map(a => `member.${a}`), ...declared.staff.map(a => `staff.${a}`)].filter(a => !specs.some(s => `${s.fn}.${s.action}` === a))
    if (missing.length) log(`  no bench for: ${missing.join(', ')}`)
    const rows: ActionRow[] = []
    for (const spec of specs) rows.push(await measure(emu, spec, reps, log))

    return {
      members: n,
      products: productCount,
      reps,
      purchases: seeded.purchases,
      purchaseLines: seeded.lines,
      lastYearPurchases: seeded.lastYear,
      neighbours,
      seedSeconds,
      setupSeconds,
      startSeconds,
      coldStarts,
      rows,
      missing,
      dataDir,
      measuredAt: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.versions.node}`,
      load: [loadAtStart, os.loadavg()[0]],
    }
  } finally {
    await finish(log)
  }
}

const short = (kind: string) => kind.replace(/^database\./, '')

/** The actions table and the cold-start table (markdown), with the sizes they were measured at. */
export function formatActionsTable(r: ActionsResult): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const head = ['action', 'caller / input', 'calls ok', 'p50 ms', 'p95 ms', 'db requests / call', 'requests / call by kind']
  const rows = r.rows.map(x =>
    x.skipped
      ? [`${x.fn}.${x.action}`, x.caller, '–', '–', '–', '–', `not measured: ${x.skipped}`]
      : [
          `${x.fn}.${x.action}`,
          x.caller,
          `${x.ok}/${x.calls}`,
          fmt(x.p50Ms, 1),
          fmt(x.p95Ms, 1),
          x.ok ? `${fmt(x.dbPerCall, 1)}${x.dbMin !== x.dbMax ? ` (${x.dbMin}–${x.dbMax})` : ''}` : '–',
          [
            Object.entries(x.perCall)
              .map(([k, v]) => `${short(k)} ${fmt(v, 1)}`)
              .join(', '),
            ...x.errors.map(e => `failed: ${e}`),
          ]
            .filter(Boolean)
            .join('; '),
        ],
  )
  const coldHead = ['function', 'first call after start ms', 'instance started', 'warm p50 ms', 'cold-start overhead ms', 'event']
  const cold = r.coldStarts.map(c => [c.fn, fmt(c.coldMs), c.coldStartFlag ? 'yes' : 'no', fmt(c.warmP50Ms, 1), fmt(c.coldMs - c.warmP50Ms), `\`${c.event}\``])
  return [
    `Actions: ${fmt(r.members)} members, ${fmt(r.products)} products, ${fmt(r.purchases)} purchases (${fmt(r.lastYearPurchases)} in the last 12 months; neighbours of ${fmt(r.neighbours.items)} items from ${fmt(r.neighbours.purchases)} purchases), ${r.reps} sequential calls per action; ${r.measuredAt.slice(0, 10)}, ${r.machine}, load average ${fmt(r.load[0], 1)} → ${fmt(r.load[1], 1)}`,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    ...(r.missing.length ? ['', `No bench for: ${r.missing.join(', ')}`] : []),
    '',
    line(coldHead),
    line(coldHead.map(() => '---')),
    ...cold.map(line),
  ].join('\n')
}
