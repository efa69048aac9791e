import { maskPhone, memberNoFrom, newMember, profileChanges, toProfile } from '../../domain/member'
import { shanghaiDay } from '../../domain/time'
import { ProfilePatchSchema } from '../../types/member'
import { AppError } from '../../types/result'

const now = new Date('2026-11-23T17:30:00Z') // 01:30 on 24 Nov in Shanghai

test('a Shanghai day does not depend on the host zone', () => {
  expect(shanghaiDay(now)).toBe('2026-11-24')
  expect(shanghaiDay(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-23')
})

test('a new member starts with no points and default profile', () => {
  expect(newMember('o1', '1000000001', now)).toMatchObject({
    _id: 'o1',
    openid: 'o1',
    memberNo: '1000000001',
    phone: null,
    pointBatches: [],
    points: 0,
    gender: 'unknown',
    avatarFileId: null,
    birthday: null,
    createdAt: now,
  })
})

test('a birthday of "today" in Shanghai is accepted even when it is still yesterday in UTC', () => {
  const member = newMember('o1', '1000000001', now)
  expect(profileChanges(member, { birthday: '2026-11-24' }, now)).toEqual({ birthday: '2026-11-24' })
  expect(() => profileChanges(member, { birthday: '2026-11-25' }, now)).toThrow(AppError)
})

test('only fields that differ are changes', () => {
  const member = { ...newMember('o1', '1000000001', now), nickname: '小满', gender: 'female' as const }
  expect(profileChanges(member, { nickname: '小满', gender: 'male' }, now)).toEqual({ gender: 'male' })
  expect(profileChanges(member, {}, now)).toEqual({})
})

test('an avatar must live under the member’s own folder', () => {
  const member = newMember('o1', '1000000001', now)
  expect(profileChanges(member, { avatarFileId: 'cloud://env.b/avatars/o1/a.png' }, now)).toEqual({ avatarFileId: 'cloud://env.b/avatars/o1/a.png' })
  expect(() => profileChanges(member, { avatarFileId: 'cloud://env.b/avatars/o2/a.png' }, now)).toThrow(/本人/)
})

test('the patch schema trims nicknames and rejects impossible dates and unknown keys', () => {
  expect(ProfilePatchSchema.parse({ nickname: ' 阿 ' })).toEqual({ nickname: '阿' })
  expect(ProfilePatchSchema.safeParse({ birthday: '2024-02-29' }).success).toBe(true)
  expect(ProfilePatchSchema.safeParse({ birthday: '2023-02-29' }).success).toBe(false)
  expect(ProfilePatchSchema.safeParse({ birthday: '2023-2-9' }).success).toBe(false)
  expect(ProfilePatchSchema.safeParse({ openid: 'x' }).success).toBe(false)
})

test('a profile carries dates as ISO strings and hides the wallet internals', () => {
  const profile = toProfile(newMember('o1', '1000000001', now))
  expect(profile.createdAt).toBe('2026-11-23T17:30:00.000Z')
  expect(profile).not.toHaveProperty('pointBatches')
  expect(profile).not.toHaveProperty('codeKeyVersion')
})

test('member numbers are 10 digits; phones are masked for others', () => {
  expect(memberNoFrom(() => 0)).toBe('1000000000')
  expect(memberNoFrom(() => 0.999999999999)).toMatch(/^9\d{9}$/)
  expect(maskPhone('13812345678')).toBe('138****5678')
  expect(maskPhone(null)).toBeNull()
})
