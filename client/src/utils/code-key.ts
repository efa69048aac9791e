import Taro from '@tarojs/taro'
import type { MemberOutputs } from '../../../types/member'

/**
 * The member's code key (member.getCodeKey), kept on the device so the member code still shows
 * when the phone is briefly offline, with the correction of the device's clock measured when it was
 * fetched (domain/member-code.ts clockOffsetMs). Scoped to the signed-in member: dropped on
 * sign-in/out (H5) and when the account is deleted.
 */
export type CodeKey = Omit<MemberOutputs['getCodeKey'], 'serverTime'> & { clockOffsetMs: number }

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
    clockOffsetMs: typeof k.clockOffsetMs === 'number' && Number.isFinite(k.clockOffsetMs) ? k.clockOffsetMs : 0,
  }
}

export function saveCodeKey(key: CodeKey): void {
  try {
    Taro.setStorageSync(STORAGE_KEY, { key: key.key, memberNo: key.memberNo, keyVersion: key.keyVersion, stepSeconds: key.stepSeconds, clockOffsetMs: key.clockOffsetMs })
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
