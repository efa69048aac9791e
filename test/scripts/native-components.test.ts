/**
 * @jest-environment jsdom
 */
/**
 * The member code and the coupon card as WeChat renders them: the same React components the pages use
 * (client/src/components/member-code.tsx, coupon-card.tsx), compiled by Taro to native custom components
 * (`taro build native-components --type weapp` → dist/native-components, built here if stale), loaded
 * into miniprogram-simulate with WeChat's own template compiler (`official`: wcc from
 * miniprogram-compiler) inside a small native host component, as a native page would use them:
 * render with properties, read the text, tap, read the event and the changed text.
 */
import path from 'path'
import { ensureNativeComponentsBuilt, NATIVE_COMPONENTS_DIR } from '../../scripts/builds'
import { memberCode, secondsUntilNextCode } from '../../domain/member-code'
import { qrMatrix } from '../../client/src/utils/qr'
import type { CouponCardData } from '../../client/src/components/coupon-card'

// scripts/builds.ts also bundles the cloud functions with esbuild, which refuses to load under jsdom:
// this file only needs its native-components build
jest.mock('../../scripts/build-functions', () => ({ buildFunctions: jest.fn(), BUILT_STAMP: '' }))

// The mini-program globals the Taro runtime needs outside an app (set before it loads): `wx` with the
// few APIs the components call, and a current page for Taro's native-component wrapper.
interface FakeCanvas {
  width: number
  height: number
  rects: Array<{ fill: string; x: number; y: number; w: number; h: number }>
  getContext(type: '2d'): unknown
}
const canvases = new Map<string, FakeCanvas>()
/** the scopes selector queries were limited to (`query.in(component)`) */
const queryScopes: unknown[] = []
function fakeCanvas(selector: string): FakeCanvas {
  const c: FakeCanvas = {
    width: 0,
    height: 0,
    rects: [],
    getContext: () => {
      const ctx = {
        fillStyle: '',
        fillRect(x: number, y: number, w: number, h: number) {
          c.rects.push({ fill: ctx.fillStyle, x, y, w, h })
        },
        clearRect() {
          c.rects = []
        },
      }
      return ctx
    },
  }
  canvases.set(selector, c)
  return c
}
const g = global as any
g.wx = {
  getWindowInfo: () => ({ pixelRatio: 2 }),
  getSystemInfoSync: () => ({ pixelRatio: 2, platform: 'devtools' }),
  // QrCanvas asks for its Canvas 2D node with a selector query
  createSelectorQuery() {
    let selector = ''
    const query = {
      in: (scope: unknown) => (queryScopes.push(scope), query),
      select: (s: string) => ((selector = s), query),
      fields: () => query,
      exec: (cb: (res: unknown[]) => void) => setTimeout(() => cb([{ node: canvases.get(selector) ?? fakeCanvas(selector) }]), 0),
    }
    return query
  },
}
g.getCurrentPages = () => [{ route: 'pages/host/index', __route__: 'pages/host/index', options: {} }]
g.getApp = () => ({})

/**
 * The part of miniprogram-simulate used here, typed locally: its own typings pull in the mini-program's
 * global declarations (`require` as the mini-program's), which would clash with Node's across the repo.
 */
interface Simulate {
  load(componentPath: string, tagName: string, options: { compiler: 'official'; rootPath: string }): string
  load(definition: Record<string, unknown>): string
  render(id: string, properties?: Record<string, unknown>): any
  sleep(ms: number): Promise<void>
}
let simulate: Simulate
let memberCodeId: string
let couponCardId: string

beforeAll(() => {
  ensureNativeComponentsBuilt()
  // loaded after the globals above; one compiler (official) for every component in this file
  simulate = require('miniprogram-simulate')
  const options = { compiler: 'official' as const, rootPath: NATIVE_COMPONENTS_DIR }
  memberCodeId = simulate.load(path.join(NATIVE_COMPONENTS_DIR, 'components/member-code'), 'member-code', options)
  couponCardId = simulate.load(path.join(NATIVE_COMPONENTS_DIR, 'components/coupon-card'), 'coupon-card', options)
}, 600_000)

afterEach(() => {
  jest.useRealTimers()
})

/** Taro renders asynchronously (setData after React commits): wait for the condition, never sleep blindly. */
async function until<T>(read: () => T, ok: (v: T) => boolean, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  let last = read()
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`)
    await simulate.sleep(10)
    last = read()
  }
  return last
}

/** The subject's node matching `selector` (exparser ids and classes, inside its shadow tree), or null. */
const find = (subject: any, selector: string) => subject.querySelector(selector) ?? null
/** Its rendered text (what the member reads), or null when it is not rendered. */
const textOf = (subject: any, selector: string): string | null => find(subject, selector)?.dom.textContent.trim() ?? null

/**
 * A native host page fragment: `<tag props="{{props}}" bind:<event>="onEvent" />`, recording events.
 * (The host is hand-written, so miniprogram-simulate compiles its template with its own compiler; the
 * Taro components themselves are loaded once, with the official one.)
 */
function mountInHost(componentId: string, tag: string, event: string, props: Record<string, unknown>) {
  const events: unknown[] = []
  const hostId = simulate.load({
    usingComponents: { [tag]: componentId },
    template: `<${tag} id="subject" props="{{props}}" bind:${event}="onEvent"></${tag}>`,
    data: { props },
    methods: {
      onEvent(e: { detail: unknown }) {
        events.push(e.detail)
      },
    },
  })
  const host = simulate.render(hostId)
  host.attach(document.createElement('parent-wrapper'))
  const subject = host.querySelector('#subject')!
  return { host, subject, events }
}

/** The countdown the member reads (seconds), checked against the clock now: at most a second behind. */
function expectCountdownNow(subject: any) {
  const text = textOf(subject, '#member-code-countdown')
  expect(text).toMatch(/^\d+ 秒后自动刷新$/)
  const shown = parseInt(text!, 10)
  const now = secondsUntilNextCode(new Date())
  expect([now, now + 1, now === 30 ? 1 : -1]).toContain(shown)
}

/** Taps the node (an exparser tap event, as WeChat sends it to Taro's `eh` handler). */
function tap(subject: any, selector: string) {
  const node = find(subject, selector)
  expect(node).not.toBeNull()
  node.dispatchEvent('tap')
}

describe('member-code (native custom component)', () => {
  const KEY = 'a'.repeat(64)
  const MEMBER_NO = '1000000001'
  // 2024-03-05T02:00:10Z: 10 s into a 30 s step
  const T0 = new Date('2024-03-05T02:00:10.000Z')

  it('renders the code for the key and the clock, counts down, rotates on the next step, and a tap on 刷新会员码 emits `refresh`', async () => {
    // the clock is faked but keeps running, so Taro's own timers still fire
    jest.useFakeTimers({ now: T0, advanceTimers: true })
    const { host, subject, events } = mountInHost(memberCodeId, 'member-code', 'refresh', { codeKey: KEY, memberNo: MEMBER_NO })

    const code = memberCode(KEY, MEMBER_NO, T0)
    expect(code).toMatch(/^1000000001\d{8}$/)
    const grouped = (c: string) => c.replace(/(\d{4})(?=\d)/g, '$1 ')
    expect(
      await until(
        () => textOf(subject, '#member-code-digits'),
        t => t === grouped(code),
        'the code digits',
      ),
    ).toBe(grouped(code))
    expect(textOf(subject, '.code-title')).toBe('向店员出示会员码')
    expectCountdownNow(subject)
    expect(parseInt(textOf(subject, '#member-code-countdown')!, 10)).toBeLessThanOrEqual(20)
    expect(textOf(subject, '#member-code-refresh')).toBe('刷新会员码')
    expect(find(subject, '#member-code-offline')).toBeNull()

    // the QR code of the same code, drawn on the Canvas 2D node (220 px × pixel ratio 2)
    const qr = await until(
      () => canvases.get('#member-code-qr'),
      c => !!c && c.rects.some(r => r.fill === '#000000'),
      'the QR code',
    )
    expect(qr!.width).toBe(440)
    const dark = qr!.rects.filter(r => r.fill === '#000000')
    expect(dark.length).toBeGreaterThan(20)
    // the first dark rectangle is the top-left finder pattern's top row: 7 modules of this code's matrix
    expect(dark[0].w).toBe(7 * Math.floor(440 / (qrMatrix(code).size + 8)))
    // found inside the component: a page-level query cannot see into a custom component's shadow tree
    expect(queryScopes).toContain(subject.instance)

    // 20 s later: the next code and a fresh countdown, without any call
    const later = new Date(T0.getTime() + 20_000)
    jest.setSystemTime(later)
    const next = memberCode(KEY, MEMBER_NO, later)
    expect(next).not.toBe(code)
    await until(
      () => textOf(subject, '#member-code-digits'),
      t => t === grouped(next),
      'the next code',
    )
    expect(secondsUntilNextCode(later)).toBe(30)
    expectCountdownNow(subject)

    // tap 刷新会员码: the host hears `refresh` with the member number
    tap(subject, '#member-code-refresh')
    await until(
      () => events.length,
      n => n === 1,
      'the refresh event',
    )
    expect(events).toEqual([{ memberNo: MEMBER_NO }])

    // the host answers: refreshing (button waits, a tap does nothing), then the saved key with the reason
    host.setData({ props: { codeKey: KEY, memberNo: MEMBER_NO, refreshing: true } })
    await until(
      () => textOf(subject, '#member-code-refresh'),
      t => t === '刷新中…',
      'the busy button',
    )
    tap(subject, '#member-code-refresh')
    await simulate.sleep(50)
    expect(events).toHaveLength(1)

    const rotated = 'b'.repeat(64)
    host.setData({ props: { codeKey: rotated, memberNo: MEMBER_NO, refreshing: false, offline: 'request:fail timeout' } })
    await until(
      () => textOf(subject, '#member-code-digits'),
      t => t === grouped(memberCode(rotated, MEMBER_NO, later)),
      'the code of the new key',
    )
    expect(textOf(subject, '#member-code-refresh')).toBe('刷新会员码')
    expect(textOf(subject, '#member-code-offline')).toBe('网络不可用，已使用保存在本机的会员码（request:fail timeout）')
    host.detach()
  })
})

describe('coupon-card (native custom component)', () => {
  const available: CouponCardData = {
    couponId: 'cp_1',
    state: 'available',
    type: 'threshold',
    summary: '满100减20',
    name: '春季满减券',
    // Mar 5 10:00 Shanghai → the end of Mar 10 Shanghai
    validFrom: '2024-03-05T02:00:00.000Z',
    validUntil: '2024-03-10T16:00:00.000Z',
    notYetValid: false,
    usedAt: null,
  }

  it('shows value, name, validity and the state badge; a tap emits `open` with the coupon id', async () => {
    const coupon = available
    const { host, subject, events } = mountInHost(couponCardId, 'coupon-card', 'open', { coupon })
    await until(
      () => textOf(subject, '.coupon-summary'),
      t => t === '满100减20',
      'the card',
    )
    expect(textOf(subject, '.coupon-name')).toBe('春季满减券')
    expect(textOf(subject, '.coupon-validity')).toBe('有效期至 2024年3月10日')
    expect(textOf(subject, '.coupon-link')).toBe('出示券码 ›')
    expect(find(subject, '.coupon-stamp-small')).toBeNull()
    expect(find(subject, '.coupon-inactive')).toBeNull()

    tap(subject, `#coupon-${coupon.couponId}`)
    await until(
      () => events.length,
      n => n === 1,
      'the open event',
    )
    expect(events).toEqual([{ couponId: 'cp_1' }])

    // the host passes the coupon again once used: date used, 已使用 stamp, greyed card
    host.setData({ props: { coupon: { ...available, state: 'used', usedAt: '2024-03-06T04:00:00.000Z' } } })
    await until(
      () => textOf(subject, '.coupon-stamp-small'),
      t => t === '已使用',
      'the 已使用 stamp',
    )
    expect(textOf(subject, '.coupon-validity')).toBe('2024年3月6日 已使用')
    expect(find(subject, '.coupon-link')).toBeNull()
    expect(find(subject, '.coupon-inactive')).not.toBeNull()
    host.detach()
  })

  it.each([
    [{ state: 'expired' as const }, '已过期', '有效期至 2024年3月10日'],
    [{ notYetValid: true, validFrom: '2024-03-08T02:00:00.000Z' }, '未到可用时间', '2024年3月8日 起可用'],
    [{ type: 'makeup_card' as const, summary: '补签卡', name: '补签卡' }, '用于补签 ›', '有效期至 2024年3月10日'],
  ])('%j: badge %s, %s', async (overrides, badge, validity) => {
    const coupon = { ...available, couponId: 'cp_2', ...overrides }
    const { host, subject, events } = mountInHost(couponCardId, 'coupon-card', 'open', { coupon })
    const side = coupon.state === 'available' ? 'coupon-link' : 'coupon-stamp-small'
    expect(
      await until(
        () => textOf(subject, `.${side}`),
        t => t === badge,
        `the ${badge} badge`,
      ),
    ).toBe(badge)
    expect(textOf(subject, '.coupon-validity')).toBe(validity)
    tap(subject, `#coupon-${coupon.couponId}`)
    await until(
      () => events.length,
      n => n === 1,
      'the open event',
    )
    expect(events).toEqual([{ couponId: 'cp_2' }])
    host.detach()
  })
})
