import type { MemberProfile } from '../../types/member'
import type { Result } from '../../types/result'

export function member(overrides: Partial<MemberProfile> = {}): MemberProfile {
  return {
    _id: 'o_alice',
    openid: 'o_alice',
    memberNo: '1000000001',
    phone: null,
    nickname: '小爱',
    avatarFileId: null,
    birthday: '1990-05-01',
    gender: 'female',
    points: 120,
    // 16:30 UTC on Mar 4 is already Mar 5 in Shanghai
    createdAt: '2024-03-04T16:30:00.000Z',
    updatedAt: '2024-03-04T16:30:00.000Z',
    lastLoginAt: '2024-03-04T16:30:00.000Z',
    ...overrides,
  }
}

export function ok<T>(data: T): Result<T> {
  return { ok: true, data }
}

/** A promise the test settles when it wants. */
export function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
