/** Member profile rules: pure functions, time passed in. */
import { AppError } from '../types/result'
import type { Member, MemberProfile, ProfilePatch } from '../types/member'
import { EMPTY_STATS } from '../types/analytics'
import { shanghaiDay } from './time'

export const DEFAULT_NICKNAME = '微信用户'

export function newMember(openid: string, memberNo: string, now: Date): Member {
  return {
    _id: openid,
    openid,
    memberNo,
    nickname: DEFAULT_NICKNAME,
    avatarFileId: null,
    birthday: null,
    gender: 'unknown',
    phone: null,
    points: 0,
    pointBatches: [],
    codeKeyVersion: 1,
    checkin: null,
    tier: null,
    growth: {},
    stats: EMPTY_STATS,
    stage: 'new',
    recencyAt: now,
    rfm: null,
    valueLayer: 'none',
    churn: null,
    tags: [],
    manualTags: [],
    ruleTags: [],
    segmentIds: [],
    invitedBy: null,
    taskRewards: {},
    firstPurchaseAt: null,
    lastClaimAt: null,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: now,
  }
}

/**
 * The fields a patch really changes, after the rules that need the caller or the clock:
 * a birthday is not in the future (Shanghai day) nor before 1900; an avatar is a file the member
 * uploaded under their own folder (avatars/<openid>/…), so nobody can claim another's picture.
 */
export function profileChanges(member: Member, patch: ProfilePatch, now: Date): Partial<Member> {
  if (patch.birthday && (patch.birthday > shanghaiDay(now) || patch.birthday < '1900-01-01')) {
    throw new AppError('INVALID_ARGUMENT', '生日不能晚于今天或早于 1900 年', [{ path: 'patch.birthday', message: 'out of range' }])
  }
  if (patch.avatarFileId && !patch.avatarFileId.includes(`/avatars/${member.openid}/`)) {
    throw new AppError('INVALID_ARGUMENT', '头像必须是本人上传的图片', [{ path: 'patch.avatarFileId', message: 'not owned by caller' }])
  }
  const changes: Partial<Member> = {}
  for (const key of ['nickname', 'avatarFileId', 'birthday', 'gender'] as const) {
    const value = patch[key]
    if (value !== undefined && value !== member[key]) (changes as Record<string, unknown>)[key] = value
  }
  return changes
}

/** A 10-digit member number from a random source (the caller retries on the rare collision). */
export function memberNoFrom(random: () => number): string {
  return String(1_000_000_000 + Math.floor(random() * 9_000_000_000))
}

/** Phones are shown masked to everyone but the member: 138****5678. */
export function maskPhone(phone: string | null): string | null {
  return phone ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : null
}

export function toProfile(member: Member): MemberProfile {
  const {
    pointBatches: _batches,
    codeKeyVersion: _version,
    status: _status,
    deletedAt: _deletedAt,
    checkin: _checkin,
    tierId: _tierId,
    tier: _tier,
    growth: _growth,
    stats: _stats,
    stage: _stage,
    recencyAt: _recency,
    rfm: _rfm,
    valueLayer: _layer,
    churn: _churn,
    tags: _tags,
    manualTags: _manualTags,
    ruleTags: _ruleTags,
    segmentIds: _segmentIds,
    invitedBy: _invitedBy,
    taskRewards: _taskRewards,
    firstPurchaseAt: _firstPurchase,
    lastClaimAt: _lastClaim,
    ...visible
  } = member
  return {
    ...visible,
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
    lastLoginAt: member.lastLoginAt.toISOString(),
  }
}
