/**
 * The parts of `wx` miniprogram-simulate leaves out or stubs as no-ops, as doubles that record what
 * the pages asked for: storage that keeps values, navigation, toasts, modals, brightness, scanCode,
 * a Canvas 2D stand-in behind `createSelectorQuery`, and a `wx.cloud` that answers from a Backend.
 */
import type { Backend } from './backend'

/** One fillRect on the Canvas 2D stand-in. */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
  fill: string
}

export interface CanvasStandIn {
  width: number
  height: number
  rects: Rect[]
  getContext(type: '2d'): unknown
}

export function canvasStandIn(): CanvasStandIn {
  const canvas: CanvasStandIn = {
    width: 0,
    height: 0,
    rects: [],
    getContext: () => {
      const ctx = {
        fillStyle: '#000000',
        fillRect(x: number, y: number, w: number, h: number) {
          canvas.rects.push({ x, y, w, h, fill: ctx.fillStyle })
        },
        clearRect() {
          canvas.rects = []
        },
      }
      return ctx
    },
  }
  return canvas
}

/** jsdom has no structuredClone; what is stored is JSON anyway */
const copy = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)))

type Callbacks = { success?: (res: unknown) => void; fail?: (err: unknown) => void; complete?: (res: unknown) => void }

/** Calls the wx-style callbacks and returns the promise Taro also accepts. */
function settle<T>(options: Callbacks | undefined, outcome: { ok: true; res: T } | { ok: false; err: unknown }): Promise<T> {
  if (outcome.ok) {
    options?.success?.(outcome.res)
    options?.complete?.(outcome.res)
    return Promise.resolve(outcome.res)
  }
  options?.fail?.(outcome.err)
  options?.complete?.(outcome.err)
  return Promise.reject(outcome.err)
}

/** What the pages asked WeChat to do, in order, for the tests to read. */
export interface Recorders {
  navigation: Array<{ api: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack' | 'switchTab'; url?: string; delta?: number }>
  toasts: Array<{ title: string; icon?: string }>
  modals: Array<{ title?: string; content?: string }>
  brightness: number[]
  keepScreenOn: boolean[]
  clipboard: string[]
  uploads: Array<{ cloudPath: string; filePath: string }>
  /** what the next wx.scanCode returns (a code string) or fails with (an Error) */
  scanResults: Array<string | Error>
  /** what the next wx.showModal answers: true = 确定 (default), false = 取消 */
  modalAnswers: boolean[]
}

export function newRecorders(): Recorders {
  return { navigation: [], toasts: [], modals: [], brightness: [], keepScreenOn: [], clipboard: [], uploads: [], scanResults: [], modalAnswers: [] }
}

/** Finds a node by selector in the page on top of the stack (set by the harness). */
export type NodeFinder = (selector: string) => unknown | null

/**
 * The additions to the simulator's `wx`, to merge in before app.js loads (Taro copies wx's keys and
 * takes `wx.cloud` when taro.js runs).
 */
export function wxAdditions(backend: Backend, rec: Recorders, findNode: NodeFinder): Record<string, unknown> {
  const storage = new Map<string, unknown>()
  const canvases = new Map<unknown, CanvasStandIn>()
  let screenBrightness = 0.5
  const navigate = (api: Recorders['navigation'][number]['api']) => (o: Callbacks & { url?: string; delta?: number }) => {
    rec.navigation.push({ api, ...(o.url !== undefined && { url: o.url }), ...(o.delta !== undefined && { delta: o.delta }) })
    return settle(o, { ok: true, res: { errMsg: `${api}:ok` } })
  }
  return {
    // storage: the simulator's are no-ops, and the code page relies on the saved key
    setStorageSync: (key: string, value: unknown) => void storage.set(key, copy(value)),
    getStorageSync: (key: string) => (storage.has(key) ? copy(storage.get(key)) : ''),
    removeStorageSync: (key: string) => void storage.delete(key),
    clearStorageSync: () => storage.clear(),
    setStorage: (o: Callbacks & { key: string; data: unknown }) => (storage.set(o.key, copy(o.data)), settle(o, { ok: true, res: { errMsg: 'setStorage:ok' } })),
    getStorage: (o: Callbacks & { key: string }) =>
      storage.has(o.key) ? settle(o, { ok: true, res: { data: copy(storage.get(o.key)) } }) : settle(o, { ok: false, err: { errMsg: 'getStorage:fail data not found' } }),
    removeStorage: (o: Callbacks & { key: string }) => (storage.delete(o.key), settle(o, { ok: true, res: { errMsg: 'removeStorage:ok' } })),

    navigateTo: navigate('navigateTo'),
    redirectTo: navigate('redirectTo'),
    reLaunch: navigate('reLaunch'),
    navigateBack: navigate('navigateBack'),
    switchTab: navigate('switchTab'),

    showToast: (o: Callbacks & { title: string; icon?: string }) => (rec.toasts.push({ title: o.title, ...(o.icon && { icon: o.icon }) }), settle(o, { ok: true, res: {} })),
    showModal: (o: Callbacks & { title?: string; content?: string }) => {
      rec.modals.push({ title: o.title, content: o.content })
      const confirm = rec.modalAnswers.shift() ?? true
      return settle(o, { ok: true, res: { confirm, cancel: !confirm, errMsg: 'showModal:ok' } })
    },
    showLoading: (o: Callbacks) => settle(o, { ok: true, res: {} }),
    hideLoading: (o?: Callbacks) => settle(o, { ok: true, res: {} }),

    getScreenBrightness: (o: Callbacks) => settle(o, { ok: true, res: { value: screenBrightness } }),
    setScreenBrightness: (o: Callbacks & { value: number }) => {
      screenBrightness = o.value
      rec.brightness.push(o.value)
      return settle(o, { ok: true, res: {} })
    },
    setKeepScreenOn: (o: Callbacks & { keepScreenOn: boolean }) => (rec.keepScreenOn.push(o.keepScreenOn), settle(o, { ok: true, res: {} })),
    setClipboardData: (o: Callbacks & { data: string }) => (rec.clipboard.push(o.data), settle(o, { ok: true, res: {} })),
    scanCode: (o: Callbacks) => {
      const next = rec.scanResults.shift() ?? new Error('scanCode:fail cancel')
      return next instanceof Error ? settle(o, { ok: false, err: { errMsg: next.message } }) : settle(o, { ok: true, res: { result: next, scanType: 'QR_CODE', errMsg: 'scanCode:ok' } })
    },
    requestSubscribeMessage: (o: Callbacks & { tmplIds: string[] }) => settle(o, { ok: true, res: Object.fromEntries(o.tmplIds.map(id => [id, 'reject'])) }),
    onNeedPrivacyAuthorization: () => undefined,

    // QrCanvas asks for its Canvas 2D node; the simulator's select() returns undefined
    createSelectorQuery() {
      const selected: string[] = []
      const query = {
        in: () => query,
        select: (selector: string) => (selected.push(selector), query),
        fields: () => query,
        exec(cb?: (res: unknown[]) => void) {
          const res = selected.map(selector => {
            const node = findNode(selector)
            if (!node) return null
            if (!canvases.has(node)) canvases.set(node, canvasStandIn())
            return { node: canvases.get(node), width: 220, height: 220 }
          })
          setTimeout(() => cb?.(res), 0)
        },
      }
      return query
    },
    /** the Canvas 2D stand-in behind a node, once a page asked for it */
    __canvasOf: (node: unknown) => canvases.get(node),

    cloud: {
      init: () => undefined,
      callFunction: (o: Callbacks & { name: string; data: Record<string, unknown> }) =>
        backend.call(o.name, o.data).then(
          result => settle(o, { ok: true, res: { result, errMsg: 'cloud.callFunction:ok' } }),
          err => settle(o, { ok: false, err }),
        ),
      uploadFile: (o: Callbacks & { cloudPath: string; filePath: string }) => {
        rec.uploads.push({ cloudPath: o.cloudPath, filePath: o.filePath })
        return settle(o, { ok: true, res: { fileID: `cloud://test-env/${o.cloudPath}`, statusCode: 200 } })
      },
    },
  }
}
