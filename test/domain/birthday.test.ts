import fc from 'fast-check'
import { addDays } from '../../domain/time'
import { birthdayGiftView, birthdayIn, birthdayWeek, giftOffered, BIRTHDAY_WEEK_DAYS_AFTER, BIRTHDAY_WEEK_DAYS_BEFORE } from '../../domain/birthday'
import { DEFAULT_BIRTHDAY_GIFT } from '../../types/birthday'

/** An instant at HH:MM Shanghai time of a day. */
const at = (day: string, time = '12:00') => new Date(`${day}T${time}:00+08:00`)
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

describe('birthdayIn', () => {
  test('the month and day in the given year; 29 Feb is 28 Feb in a common year', () => {
    expect(birthdayIn('1990-07-15', 2026)).toBe('2026-07-15')
    expect(birthdayIn('2000-02-29', 2028)).toBe('2028-02-29')
    expect(birthdayIn('2000-02-29', 2027)).toBe('2027-02-28')
    expect(birthdayIn('2000-02-29', 2100)).toBe('2100-02-28')
  })

  test('a stored value that is not a real date is no birthday', () => {
    expect(birthdayIn('1990-02-30', 2026)).toBeNull()
    expect(birthdayIn('1990-13-01', 2026)).toBeNull()
    expect(birthdayIn('19900715', 2026)).toBeNull()
  })
})

describe('birthdayWeek', () => {
  test('3 days before to 3 days after the birthday, both included, by Shanghai days', () => {
    const b = '1990-07-15'
    expect(birthdayWeek(b, at('2026-07-11', '23:59'))).toMatchObject({ open: false, year: 2026, from: '2026-07-12', to: '2026-07-18' })
    // 00:00 Shanghai on the 12th is 16:00Z on the 11th
    expect(birthdayWeek(b, new Date('2026-07-11T16:00:00Z'))).toMatchObject({ open: true, year: 2026, day: '2026-07-15' })
    expect(birthdayWeek(b, at('2026-07-18', '23:59'))?.open).toBe(true)
    expect(birthdayWeek(b, at('2026-07-19', '00:00'))).toMatchObject({ open: false, year: 2027, from: '2027-07-12' })
  })

  test('a week across New Year belongs to the year of its birthday', () => {
    // 30 Dec: 27 Dec – 2 Jan
    expect(birthdayWeek('1988-12-30', at('2027-01-02'))).toMatchObject({ open: true, year: 2026, day: '2026-12-30', from: '2026-12-27', to: '2027-01-02' })
    expect(birthdayWeek('1988-12-30', at('2027-01-03'))).toMatchObject({ open: false, year: 2027, from: '2027-12-27' })
    // 2 Jan: 30 Dec – 5 Jan
    expect(birthdayWeek('1995-01-02', at('2026-12-30'))).toMatchObject({ open: true, year: 2027, day: '2027-01-02', from: '2026-12-30', to: '2027-01-05' })
    expect(birthdayWeek('1995-01-02', at('2026-12-29'))).toMatchObject({ open: false, year: 2027 })
  })

  test('29 Feb: around 28 Feb in a common year, 29 Feb in a leap year', () => {
    expect(birthdayWeek('2000-02-29', at('2027-03-03'))).toMatchObject({ open: true, day: '2027-02-28', to: '2027-03-03' })
    expect(birthdayWeek('2000-02-29', at('2027-03-04'))?.open).toBe(false)
    expect(birthdayWeek('2000-02-29', at('2028-03-03'))).toMatchObject({ open: true, day: '2028-02-29', from: '2028-02-26', to: '2028-03-03' })
    expect(birthdayWeek('2000-02-29', at('2028-02-25'))?.open).toBe(false)
  })

  test('no birthday, no week', () => {
    expect(birthdayWeek(null, at('2026-07-15'))).toBeNull()
    expect(birthdayWeek('garbage', at('2026-07-15'))).toBeNull()
  })

  const dayArb = fc.integer({ min: 0, max: 200 * 365 }).map(i => addDays('1950-01-01', i))
  const nowArb = fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2099, 11, 31) }).map(t => new Date(t))

  test('property: open exactly on the 7 days around that year’s birthday, else the next week', () => {
    fc.assert(
      fc.property(dayArb, nowArb, (birthday, now) => {
        const week = birthdayWeek(birthday, now)!
        const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
        expect(week.day).toBe(birthdayIn(birthday, week.year))
        expect(week.from).toBe(addDays(week.day, -BIRTHDAY_WEEK_DAYS_BEFORE))
        expect(week.to).toBe(addDays(week.day, BIRTHDAY_WEEK_DAYS_AFTER))
        if (week.open) expect(week.from <= today && today <= week.to).toBe(true)
        else expect(week.from > today).toBe(true)
        // no week of a neighbouring year contains today when this one is the answer
        for (const y of [week.year - 1, week.year + 1]) {
          const d = birthdayIn(birthday, y)!
          const contains = addDays(d, -BIRTHDAY_WEEK_DAYS_BEFORE) <= today && today <= addDays(d, BIRTHDAY_WEEK_DAYS_AFTER)
          expect(contains).toBe(false)
        }
        // a 29 Feb birthday falls on 28 Feb exactly in common years
        if (birthday.slice(5) === '02-29') expect(week.day.slice(5)).toBe(isLeap(week.year) ? '02-29' : '02-28')
      }),
    )
  })

  test('property: each birthday year has exactly 7 open days, the last day of one year’s week and the first of the next are a year apart', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 2000, max: 2090 }), (birthday, year) => {
        const start = `${year}-01-01`
        const openDays: string[] = []
        for (let i = -10; i < 376; i++) {
          const day = addDays(start, i)
          const w = birthdayWeek(birthday, at(day))!
          if (w.open && w.year === year) openDays.push(day)
        }
        expect(openDays).toHaveLength(7)
        expect(openDays[0]).toBe(addDays(birthdayIn(birthday, year)!, -3))
      }),
      { numRuns: 40 },
    )
  })
})

describe('the gift view', () => {
  test('offered only when enabled with points or a coupon', () => {
    expect(giftOffered(DEFAULT_BIRTHDAY_GIFT)).toBe(false)
    expect(giftOffered({ enabled: true, points: 0, couponTemplateId: null })).toBe(false)
    expect(giftOffered({ enabled: true, points: 10, couponTemplateId: null })).toBe(true)
    expect(giftOffered({ enabled: false, points: 10, couponTemplateId: 'b-20' })).toBe(false)
  })

  test('open week, claim and what the gift is', () => {
    const rules = { enabled: true, points: 200, couponTemplateId: 'birthday-20' }
    const claimedAt = new Date('2026-07-14T02:00:00Z')
    expect(birthdayGiftView(rules, '1990-07-15', at('2026-07-14'), { claimedAt }, '生日券')).toEqual({
      enabled: true,
      hasBirthday: true,
      week: { year: 2026, day: '2026-07-15', from: '2026-07-12', to: '2026-07-18' },
      open: true,
      claimedAt: claimedAt.toISOString(),
      gift: { points: 200, couponName: '生日券' },
    })
    expect(birthdayGiftView({ ...rules, couponTemplateId: null }, null, at('2026-07-14'), null, '生日券')).toMatchObject({ hasBirthday: false, week: null, open: false, gift: { couponName: null } })
  })
})
