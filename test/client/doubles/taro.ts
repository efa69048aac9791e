/**
 * Test double for `@tarojs/taro` (mapped in jest.config.js). Only what the client uses, with
 * jest.fn()s to assert on; page lifecycle hooks run like a page that is shown once on mount,
 * and `triggerDidShow()` simulates the page being shown again (e.g. back from another page).
 */
import { useEffect, useRef } from 'react'

type Callback = () => void

const storage = new Map<string, unknown>()
const didShowListeners = new Set<Callback>()
const didHideListeners = new Set<Callback>()
const reachBottomListeners = new Set<Callback>()
let routerParams: Record<string, string> = {}

function ok(name: string) {
  return jest.fn(async (..._args: unknown[]) => ({ errMsg: `${name}:ok` }))
}

function useOnce(cb: Callback) {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    ref.current()
  }, [])
}

export function useDidShow(cb: Callback): void {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    const listener = () => ref.current()
    didShowListeners.add(listener)
    listener()
    return () => {
      didShowListeners.delete(listener)
    }
  }, [])
}

/** Registers `cb` in `set` while the component is mounted (latest callback wins). */
function useListener(set: Set<Callback>, cb: Callback) {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    const listener = () => ref.current()
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }, [])
}

export function useLoad(cb: (params: Record<string, string>) => void): void {
  useOnce(() => cb({ ...routerParams }))
}
export const useLaunch = useOnce
export const useReady = useOnce
export function useDidHide(cb: Callback): void {
  useListener(didHideListeners, cb)
}
/** Runs when the page unmounts (the test's unmount()). */
export function useUnload(cb: Callback): void {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => () => ref.current(), [])
}
export function usePullDownRefresh(_cb: Callback): void {}
export function useReachBottom(cb: Callback): void {
  useListener(reachBottomListeners, cb)
}

type ShareHandler = (opt: { from: string; target?: unknown }) => unknown
const shareListeners = new Set<{ current: ShareHandler }>()

/** The page's share card (useShareAppMessage): `triggerShareAppMessage()` asks it, like a tap on a share button. */
export function useShareAppMessage(cb: ShareHandler): void {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    const entry = { current: (opt: { from: string; target?: unknown }) => ref.current(opt) }
    shareListeners.add(entry)
    return () => {
      shareListeners.delete(entry)
    }
  }, [])
}

/** What the mounted page's useShareAppMessage returns (the last one registered); undefined when none. */
export function triggerShareAppMessage(from: 'button' | 'menu' = 'button'): unknown {
  let out: unknown
  shareListeners.forEach(l => {
    out = l.current({ from })
  })
  return out
}

/** Shows every mounted page again (runs their useDidShow callbacks). Wrap in act(). */
export function triggerDidShow(): void {
  didShowListeners.forEach(l => l())
}

/** Hides every mounted page (runs their useDidHide callbacks). Wrap in act(). */
export function triggerDidHide(): void {
  didHideListeners.forEach(l => l())
}

/** Scrolls every mounted page to the bottom (runs their useReachBottom callbacks). Wrap in act(). */
export function triggerReachBottom(): void {
  reachBottomListeners.forEach(l => l())
}

/** The query parameters the next page sees in getCurrentInstance().router.params and useLoad. */
export function setRouterParams(params: Record<string, string>): void {
  routerParams = { ...params }
}

/**
 * createSelectorQuery().select('#id').fields({ node, size }).exec(cb): answers from the jsdom
 * document (`node` is the DOM element, e.g. the <canvas> the Canvas double renders).
 */
function createSelectorQuery() {
  const selected: Array<{ selector: string; fields: { node?: boolean; size?: boolean } }> = []
  const query = {
    in: () => query,
    select(selector: string) {
      return {
        fields(fields: { node?: boolean; size?: boolean }) {
          selected.push({ selector, fields })
          return query
        },
        boundingClientRect() {
          selected.push({ selector, fields: { size: true } })
          return query
        },
      }
    },
    exec(cb?: (res: unknown[]) => void) {
      const res = selected.map(({ selector, fields }) => {
        const el = document.querySelector(selector) as HTMLElement | null
        if (!el) return null
        const out: Record<string, unknown> = {}
        if (fields.node) out.node = el
        if (fields.size) {
          out.width = Number(el.getAttribute('data-width')) || el.clientWidth
          out.height = Number(el.getAttribute('data-height')) || el.clientHeight
        }
        return out
      })
      setTimeout(() => cb?.(res), 0)
    },
  }
  return query
}

const Taro = {
  navigateTo: ok('navigateTo'),
  redirectTo: ok('redirectTo'),
  reLaunch: ok('reLaunch'),
  switchTab: ok('switchTab'),
  navigateBack: ok('navigateBack'),
  showToast: ok('showToast'),
  showLoading: ok('showLoading'),
  hideLoading: ok('hideLoading'),
  showModal: jest.fn(async (..._args: unknown[]) => ({ errMsg: 'showModal:ok', confirm: true, cancel: false })),
  getCurrentPages: jest.fn((): Array<{ route: string }> => [{ route: 'pages/index/index' }, { route: 'pages/profile/index' }]),
  getStorageSync: jest.fn((key: string): unknown => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: jest.fn((key: string, value: unknown): void => {
    storage.set(key, value)
  }),
  removeStorageSync: jest.fn((key: string): void => {
    storage.delete(key)
  }),
  clearStorageSync: jest.fn((): void => storage.clear()),
  chooseImage: jest.fn(),
  /** Resolves like a scan of `result`; set per test with mockResolvedValueOnce / mockRejectedValueOnce. */
  scanCode: jest.fn(async (..._args: unknown[]): Promise<{ errMsg: string; result: string; scanType?: string }> => ({ errMsg: 'scanCode:ok', result: '', scanType: 'QR_CODE' })),
  getScreenBrightness: jest.fn(async (..._args: unknown[]) => ({ errMsg: 'getScreenBrightness:ok', value: 0.4 })),
  setScreenBrightness: ok('setScreenBrightness'),
  setKeepScreenOn: ok('setKeepScreenOn'),
  setClipboardData: ok('setClipboardData'),
  /** Answers 'accept' for every template asked (like a tap on 允许); set per test with mockResolvedValueOnce / mockRejectedValueOnce. */
  requestSubscribeMessage: jest.fn(async (option: { tmplIds: string[] }): Promise<Record<string, string>> => ({
    errMsg: 'requestSubscribeMessage:ok',
    ...Object.fromEntries(option.tmplIds.map(id => [id, 'accept'])),
  })),
  getWindowInfo: jest.fn(() => ({ pixelRatio: 2, windowWidth: 375, windowHeight: 667 })),
  nextTick: jest.fn((cb: () => void) => {
    setTimeout(cb, 0)
  }),
  createSelectorQuery: jest.fn(createSelectorQuery),
  getCurrentInstance: jest.fn(() => ({ router: { params: { ...routerParams }, path: '' } })),
  cloud: {
    init: jest.fn(),
    callFunction: jest.fn(),
    uploadFile: jest.fn(),
  },
  useDidShow,
  useLoad,
  useLaunch,
  useReady,
  useDidHide,
  useUnload,
  usePullDownRefresh,
  useReachBottom,
  useShareAppMessage,
}

/** Clears recorded calls and storage; keeps default implementations. Call in beforeEach. */
export function resetTaro(): void {
  storage.clear()
  didShowListeners.clear()
  didHideListeners.clear()
  reachBottomListeners.clear()
  shareListeners.clear()
  routerParams = {}
  const clear = (o: Record<string, unknown>) =>
    Object.values(o).forEach(v => {
      if (jest.isMockFunction(v)) v.mockClear()
    })
  clear(Taro)
  clear(Taro.cloud)
}

export default Taro
