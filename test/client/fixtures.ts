import type { MemberProfile } from '../../types/member'
import type { Result } from '../../types/result'
import type { TierProgress } from '../../types/tiers'

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

/** 银卡会员 with 1200 growth, 1800 short of 金卡会员, no downgrade pending. */
export function tierProgress(overrides: Partial<TierProgress> = {}): TierProgress {
  return {
    tierId: 'silver',
    name: '银卡会员',
    threshold: 1000,
    title: null,
    perks: ['生日礼', '积分 1.2 倍'],
    pointsMultiplier: 1.2,
    growth: 1200,
    next: { tierId: 'gold', name: '金卡会员', threshold: 3000, missing: 1800 },
    ratio: 0.1,
    reviewAt: '2025-03-05T06:00:00.000Z',
    downgradeAt: null,
    ...overrides,
  }
}
