import Taro from '@tarojs/taro'

/** H5 only: the local gateway's session token, kept in localStorage via Taro storage. */
const TOKEN_KEY = 'gateway.token'

export function getToken(): string {
  const v: unknown = Taro.getStorageSync(TOKEN_KEY)
  return typeof v === 'string' ? v : ''
}

export function setToken(token: string): void {
  Taro.setStorageSync(TOKEN_KEY, token)
}

export function clearToken(): void {
  Taro.removeStorageSync(TOKEN_KEY)
}
