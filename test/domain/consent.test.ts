/** Which profile changes need a consent to the privacy guide, and when a stored consent covers the guide. */
import fc from 'fast-check'
import { CONSENT_PROFILE_FIELDS, consentCovers, profileChangeNeedsConsent } from '../../domain/consent'

const avatar = 'cloud://env.bucket/avatars/o_a/1.png'

describe('profileChangeNeedsConsent', () => {
  test.each([
    { label: 'a new nickname', changes: { nickname: '小满' }, needed: true },
    { label: 'a new avatar', changes: { avatarFileId: avatar }, needed: true },
    { label: 'a birthday', changes: { birthday: '1990-01-02' }, needed: false },
    { label: 'a gender', changes: { gender: 'female' as const }, needed: false },
    { label: 'removing the avatar', changes: { avatarFileId: null }, needed: false },
    { label: 'birthday and nickname together', changes: { birthday: '1990-01-02', nickname: '小满' }, needed: true },
    { label: 'nothing', changes: {}, needed: false },
  ])('$label → needed: $needed', ({ changes, needed }) => {
    expect(profileChangeNeedsConsent(changes)).toBe(needed)
  })

  test('property: needed exactly when a WeChat-privacy field gets a value', () => {
    const change = fc.record(
      {
        nickname: fc.string({ minLength: 1, maxLength: 20 }),
        avatarFileId: fc.option(fc.constant(avatar)),
        birthday: fc.option(fc.constant('1990-01-02')),
        gender: fc.constantFrom('male', 'female', 'unknown'),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(change, c => {
        const expected = CONSENT_PROFILE_FIELDS.some(f => c[f] !== undefined && c[f] !== null)
        return profileChangeNeedsConsent(c as Parameters<typeof profileChangeNeedsConsent>[0]) === expected
      }),
    )
  })
})

describe('consentCovers', () => {
  test('only a consent naming the current version covers it', () => {
    expect(consentCovers({ version: '1.0' }, '1.0')).toBe(true)
    expect(consentCovers({ version: '1.0' }, '2026-03')).toBe(false)
    expect(consentCovers(null, '1.0')).toBe(false)
    expect(consentCovers(undefined, '1.0')).toBe(false)
  })
})
