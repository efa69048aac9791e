/** Fixtures for the coupon, check-in, points mall and task pages (shapes from types/). */
import type { CheckinCalendar, CheckinResult } from '../../types/checkin'
import type { CouponView, OfferView } from '../../types/coupons'
import type { InviteSummary, InviteeView, TaskView } from '../../types/tasks'

export function coupon(overrides: Partial<CouponView> = {}): CouponView {
  return {
    couponId: 'cp_1',
    code: '123456789012',
    templateId: 'spring-20',
    name: '春季满减券',
    type: 'threshold',
    summary: '满100减20',
    valueFen: 2000,
    percentOff: null,
    capFen: null,
    minSpendFen: 10000,
    giftName: null,
    stackable: false,
    // Mar 5 10:00 Shanghai → the end of Mar 10 Shanghai (exclusive: Mar 11 00:00 Shanghai)
    validFrom: '2024-03-05T02:00:00.000Z',
    validUntil: '2024-03-10T16:00:00.000Z',
    state: 'available',
    notYetValid: false,
    issuedAt: '2024-03-05T02:00:00.000Z',
    usedAt: null,
    ...overrides,
  }
}

export function offer(overrides: Partial<OfferView> = {}): OfferView {
  return {
    templateId: 'spring-20',
    name: '春季满减券',
    type: 'threshold',
    summary: '满100减20',
    description: '全场通用',
    validityText: '领取后 30 天内有效',
    remaining: 12,
    perMemberLimit: 1,
    held: 0,
    pointsPrice: null,
    canTake: true,
    reason: null,
    ...overrides,
  }
}

/** A points-mall offer: 200 points for a 10 元 coupon. */
export function mallOffer(overrides: Partial<OfferView> = {}): OfferView {
  return offer({
    templateId: 'mall-cash-10',
    name: '10元代金券',
    type: 'cash',
    summary: '10元现金券',
    description: null,
    remaining: null,
    perMemberLimit: 5,
    pointsPrice: 200,
    ...overrides,
  })
}

/** 2024-03-05 (a Tuesday; March 1st is a Friday), checked on the 1st, 2nd (a make-up) and 4th: streak 1, today not yet. */
export function calendar(overrides: Partial<CheckinCalendar> = {}): CheckinCalendar {
  return {
    today: '2024-03-05',
    month: '2024-03',
    checkedInToday: false,
    checkedDays: ['2024-03-01', '2024-03-02', '2024-03-04'],
    makeupDays: ['2024-03-02'],
    streak: 1,
    todayPoints: 5,
    nextBonus: { day: 7, points: 20, inDays: 5 },
    makeup: { enabled: true, remainingThisMonth: 1, costPoints: 20, cards: 1, missedDays: ['2024-03-03'] },
    ...overrides,
  }
}

/** The calendar after checking in today (Mar 5): streak 2. */
export function checkedCalendar(overrides: Partial<CheckinCalendar> = {}): CheckinCalendar {
  return calendar({
    checkedInToday: true,
    checkedDays: ['2024-03-01', '2024-03-02', '2024-03-04', '2024-03-05'],
    streak: 2,
    nextBonus: { day: 7, points: 20, inDays: 5 },
    ...overrides,
  })
}

export function checkinResult(overrides: Partial<CheckinResult> = {}): CheckinResult {
  return { credited: true, day: '2024-03-05', points: 5, bonus: 0, streak: 2, balance: 125, calendar: checkedCalendar(), ...overrides }
}

export function task(overrides: Partial<TaskView> = {}): TaskView {
  return {
    taskId: 'complete_profile',
    title: '完善个人资料',
    progress: '还差：生日、性别',
    done: false,
    rewarded: false,
    reward: { points: 20 },
    ...overrides,
  }
}

export function invitee(overrides: Partial<InviteeView> = {}): InviteeView {
  return { nickname: '小*', joinedAt: '2024-03-04T16:30:00.000Z', status: 'joined', ...overrides }
}

export function invites(overrides: Partial<InviteSummary> = {}): InviteSummary {
  return {
    inviteCode: '1000000001',
    sharePath: '/pages/index/index?inviteCode=1000000001',
    invitees: [],
    rewardedThisMonth: 0,
    monthlyCap: 10,
    reward: { inviter: { points: 100 }, invitee: { points: 50 } },
    ...overrides,
  }
}
