import Taro from '@tarojs/taro'
import type { MemberOutputs } from '../../../types/member'

/**
 * The member's code key (member.getCodeKey), kept on the device so the member code still shows
 * when the phone is briefly offline. Scoped to the signed-in member: dropped on sign-in/out (H5)
 * and when the account is deleted.
 */
export type CodeKey = MemberOutputs['getCodeKey']

const STORAGE_KEY = 'member.codeKey'

export function loadCodeKey(): CodeKey | null {
  let v: unknown
  try {
    v = Taro.getStorageSync(STORAGE_KEY)
  } catch {
    return null
  }
  if (!v || typeof v !== 'object') return null
  const k = v as Partial<CodeKey>
  if (typeof k.key !== 'string' || !k.key || typeof k.memberNo !== 'string' || !/^\d{10}$/.test(k.memberNo)) return null
  return {
    key: k.key,
    memberNo: k.memberNo,
    keyVersion: typeof k.keyVersion === 'number' ? k.keyVersion : 1,
    stepSeconds: typeof k.stepSeconds === 'number' ? k.stepSeconds : 30,
  }
}

export function saveCodeKey(key: CodeKey): void {
  try {
    Taro.setStorageSync(STORAGE_KEY, { key: key.key, memberNo: key.memberNo, keyVersion: key.keyVersion, stepSeconds: key.stepSeconds })
  } catch {
    // storage full or unavailable: the code still shows while the page is open
  }
}

export function clearCodeKey(): void {
  try {
    Taro.removeStorageSync(STORAGE_KEY)
  } catch {
    // nothing to drop
  }
}
