/**
 * Test double for `@tarojs/taro` (mapped in jest.config.js). Only what the client uses, with
 * jest.fn()s to assert on; page lifecycle hooks run like a page that is shown once on mount,
 * and `triggerDidShow()` simulates the page being shown again (e.g. back from another page).
 */
import { useEffect, useRef } from 'react'

type Callback = () => void

const storage = new Map<string, unknown>()
const didShowListeners = new Set<Callback>()

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

export function useLoad(cb: (params: Record<string, string>) => void): void {
  useOnce(() => cb({}))
}
export const useLaunch = useOnce
export const useReady = useOnce
export function useDidHide(_cb: Callback): void {}
export function useUnload(_cb: Callback): void {}
export function usePullDownRefresh(_cb: Callback): void {}

/** Shows every mounted page again (runs their useDidShow callbacks). Wrap in act(). */
export function triggerDidShow(): void {
  didShowListeners.forEach(l => l())
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
}

/** Clears recorded calls and storage; keeps default implementations. Call in beforeEach. */
export function resetTaro(): void {
  storage.clear()
  didShowListeners.clear()
  const clear = (o: Record<string, unknown>) =>
    Object.values(o).forEach(v => {
      if (jest.isMockFunction(v)) v.mockClear()
    })
  clear(Taro)
  clear(Taro.cloud)
}

export default Taro
