/** WeCom rules (domain/wecom.ts): callback XML, which events link or unlink, contact-me states, advisor removal. */
import fc from 'fast-check'
import { advisorOf, callbackEvent, contactState, parseXml, removalEndsAdvisor, toXml, welcomeText } from '../../domain/wecom'
import { BIRTHDAY_MONTH_TAG, desiredTags, tagDiff } from '../../domain/wecom-tags'
import { resolveRule } from '../../domain/segments'

describe('parseXml / toXml', () => {
  test('reads a WeCom callback: CDATA strings and bare numbers', () => {
    const xml = '<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Encrypt><![CDATA[a+b/c==]]></Encrypt><AgentID></AgentID></xml>'
    expect(parseXml(xml)).toEqual({ ToUserName: 'ww1', CreateTime: '1403610513', MsgType: 'event', Encrypt: 'a+b/c==', AgentID: '' })
  })

  test('not XML: no fields', () => {
    expect(parseXml('{"Encrypt":"x"}')).toEqual({})
    expect(parseXml('')).toEqual({})
  })

  test('round trip for any text, also one containing ]]> and markup', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,11}$/), fc.oneof(fc.string(), fc.nat())), fields => {
        const back = parseXml(toXml(fields))
        expect(back).toEqual(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])))
      }),
    )
  })
})

const event = (fields: Record<string, string>) => callbackEvent({ MsgType: 'event', Event: 'change_external_contact', UserID: 'zhangsan', ExternalUserID: 'wmX', CreateTime: '100', ...fields })

describe('callbackEvent', () => {
  test('adds (also 免验证 half adds) link, with state and welcome code', () => {
    expect(event({ ChangeType: 'add_external_contact', State: 'ad1', WelcomeCode: 'W' })).toEqual({
      kind: 'add',
      half: false,
      wecomUserId: 'zhangsan',
      externalUserId: 'wmX',
      state: 'ad1',
      welcomeCode: 'W',
      key: 'add_external_contact:zhangsan:100',
      createTime: 100,
    })
    expect(event({ ChangeType: 'add_half_external_contact' })).toMatchObject({ kind: 'add', half: true, state: null, welcomeCode: null })
  })

  test('removal by either side unlinks', () => {
    expect(event({ ChangeType: 'del_external_contact' })).toMatchObject({ kind: 'remove', changeType: 'del_external_contact', key: 'del_external_contact:zhangsan:100' })
    expect(event({ ChangeType: 'del_follow_user' })).toMatchObject({ kind: 'remove', changeType: 'del_follow_user' })
  })

  test('anything else is ignored', () => {
    expect(event({ ChangeType: 'edit_external_contact' }).kind).toBe('ignore')
    expect(callbackEvent({ MsgType: 'event', Event: 'change_external_chat', ChangeType: 'create' }).kind).toBe('ignore')
    expect(callbackEvent({ MsgType: 'text' }).kind).toBe('ignore')
    expect(event({ ChangeType: 'add_external_contact', ExternalUserID: '' }).kind).toBe('ignore')
  })

  test('a retry of the same callback has the same key; a later event another', () => {
    expect(event({ ChangeType: 'add_external_contact' })).toMatchObject({ key: 'add_external_contact:zhangsan:100' })
    expect(event({ ChangeType: 'add_external_contact', CreateTime: '101' })).toMatchObject({ key: 'add_external_contact:zhangsan:101' })
  })
})

describe('contactState', () => {
  test('at most 30 characters, the same for the same store and staff, different otherwise', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w-]{1,32}$/), fc.string({ minLength: 1, maxLength: 64 }), fc.stringMatching(/^[\w-]{1,32}$/), (store, staff, other) => {
        const s = contactState(store, staff)
        expect(s.length).toBeLessThanOrEqual(30)
        expect(s).toMatch(/^ad[0-9a-f]{24}$/)
        expect(contactState(store, staff)).toBe(s)
        if (other !== store) expect(contactState(other, staff)).not.toBe(s)
      }),
    )
  })
})

describe('advisors', () => {
  const at = new Date('2026-12-01T00:00:00Z')
  const advisor = advisorOf({ staffId: 'o_s', wecomUserId: 'zhangsan', storeId: 'st1', externalUserId: 'wmX', at })

  test('a removal ends the advisor only for the same contact and staff account', () => {
    expect(removalEndsAdvisor(advisor, 'wmX', 'zhangsan')).toBe(true)
    expect(removalEndsAdvisor(advisor, 'wmX', 'lisi')).toBe(false)
    expect(removalEndsAdvisor(advisor, 'wmY', 'zhangsan')).toBe(false)
    expect(removalEndsAdvisor(null, 'wmX', 'zhangsan')).toBe(false)
  })

  test('the welcome text names store and staff, and asks a stranger to sign up', () => {
    expect(welcomeText({ staffName: '陈一鸣', storeName: '静安店', linked: true })).toContain('静安店 · 陈一鸣')
    expect(welcomeText({ staffName: null, storeName: null, linked: false })).toContain('注册会员')
  })
})

describe('tags mirrored to WeCom', () => {
  const now = new Date('2026-12-10T02:00:00Z')
  const women = { name: '女性会员', rule: resolveRule({ all: [{ field: 'gender', op: 'eq', value: 'female' }], any: [] }, now) }

  test('rule tags, 生日月 in the birthday’s Shanghai month, and the chosen segments the member is in', () => {
    expect(desiredTags({ ruleTags: ['高价值会员'], birthday: '1990-12-15', gender: 'female' }, [women], now)).toEqual(['女性会员', '生日月', '高价值会员'].sort())
    expect(desiredTags({ ruleTags: ['流失预警'], birthday: '1990-11-30', gender: 'male' }, [women], now)).toEqual(['流失预警'])
    // 1 December 00:30 Shanghai is still 30 November UTC: the month is Shanghai's
    expect(desiredTags({ birthday: '1990-12-01' }, [], new Date('2026-11-30T16:30:00Z'))).toEqual([BIRTHDAY_MONTH_TAG])
    expect(desiredTags({ ruleTags: ['x'.repeat(31), 'ok'] }, [], now)).toEqual(['ok'])
  })

  test('applying the diff to what was set gives what is desired; a diff with itself is empty', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e')), fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e')), (current, desired) => {
        const { add, remove } = tagDiff(current, desired)
        const after = new Set<string>(current)
        for (const t of add) after.add(t)
        for (const t of remove) after.delete(t)
        expect([...after].sort()).toEqual([...desired].sort())
        expect(tagDiff(desired, desired)).toEqual({ add: [], remove: [] })
      }),
    )
  })
})
