import Taro from '@tarojs/taro'
import { clearCodeKey } from '../utils/code-key'

/** H5 only: the local gateway's session token, kept in localStorage via Taro storage. */
const TOKEN_KEY = 'gateway.token'

export function getToken(): string {
  const v: unknown = Taro.getStorageSync(TOKEN_KEY)
  return typeof v === 'string' ? v : ''
}

/** A new identity: what was cached for the previous one (the member code key) goes. */
export function setToken(token: string): void {
  if (getToken() !== token) clearCodeKey()
  Taro.setStorageSync(TOKEN_KEY, token)
}

export function clearToken(): void {
  clearCodeKey()
  Taro.removeStorageSync(TOKEN_KEY)
}
