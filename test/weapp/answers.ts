/**
 * What the cloud functions answer by default in the weapp tests, built from the fixtures the client
 * component tests use (test/client/*fixtures.ts, backend.ts) and the domain's own builders: one answer
 * for every action a page calls when it opens, so each page shows real content.
 */
import { z } from 'zod'
import { member, ok, tierProgress } from '../client/fixtures'
import { calendar, coupon, invites, mallOffer, offer, task } from '../client/coupon-fixtures'
import { consoleHome } from '../client/console-fixtures'
import { failure, purchaseView, staffMe, type Handlers } from '../client/backend'
import { buildStoreReport, consoleReportSections } from '../../domain/report'
import { DEFAULT_PRIVACY_POLICY } from '../../types/consent'
import { DEFAULT_POINT_RULES, PointRulesSchema } from '../../types/points'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import { REMINDER_KINDS } from '../../types/reminders'
import type { CallerRoles } from '../../types/console'
import type { MemberOutputs } from '../../types/member'
import type { StaffOutputs } from '../../types/staff'
import type { ConsoleReport } from '../../types/report'

export const CONSUMER: CallerRoles = { admin: false, manager: null, staff: null }
export const BRAND_ADMIN: CallerRoles = { admin: true, manager: null, staff: null }
export const STORE_MANAGER: CallerRoles = { admin: false, manager: { storeId: 'store_jingan', storeName: '上海静安旗舰店' }, staff: null }

/** The member code key (member.getCodeKey), as the function answers it at `serverTime`. */
export function codeKey(serverTime: Date): MemberOutputs['getCodeKey'] {
  return { memberNo: '1000000001', key: 'a'.repeat(64), keyVersion: 1, stepSeconds: 30, serverTime: serverTime.toISOString() }
}

function reminderPreferences(): MemberOutputs['reminderPreferences'] {
  const items = REMINDER_KINDS.map(kind => ({ kind, label: `提醒 ${kind}`, description: '到期前提醒', marketing: false, on: true, quota: 1, canSend: true, blocker: null }))
  return { items, askTemplateIds: [] }
}

function storeReport(): ConsoleReport {
  const range = { from: '2024-03-01', to: '2024-03-07' }
  const report = buildStoreReport({
    range,
    now: new Date('2024-03-07T08:00:00Z'),
    tiers: [{ tierId: 'base', name: '普通会员' }],
    stageTier: [{ stage: 'active', tierId: 'base', n: 2, spendFen: 9_000 }],
    buyers: [{ tierId: 'base', n: 2, spendFen: 9_000 }],
    joinedByDay: [{ day: '2024-03-02', n: 1 }],
    buyerDays: [{ days: 2, buyers: 1, purchases: 2, salesFen: 6_000 }],
    cohorts: [{ cohort: '2024-03', month: '2024-03', members: 1 }],
    writeOffs: [{ name: '5元券', n: 2, discountFen: 1_000 }],
    nps: [{ storeId: 'store_jingan', score: 9, at: new Date('2024-03-04T04:00:00Z') }],
    store: { storeId: 'store_jingan', name: '上海静安旗舰店' },
  })
  const sections = consoleReportSections('store', 7)
  const charts = [{ id: 'newMembers' as const, title: '新增会员', svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>新增会员</text></svg>' }]
  return { scope: { kind: 'store', storeId: 'store_jingan', storeName: '上海静安旗舰店' }, ...range, sections, brandOnly: ['checkins', 'points', 'reminders'], report, charts }
}

/** Answers for every action the pages call on opening; a test adds or replaces its own. */
export function defaultAnswers(roles: CallerRoles = CONSUMER): Handlers {
  const m = member()
  const member_: Record<string, unknown> = {
    'member.login': ok({ member: m, created: false, roles }),
    'member.getProfile': ok({ member: m }),
    'member.getPoints': ok({ balance: 120, expiring: { amount: 30, date: '2024-03-31T15:59:59.999Z' } }),
    'member.myTier': ok(tierProgress()),
    'member.npsPrompt': ok({ ask: false, reason: 'no_recent_purchase' }),
    'member.myAdvisor': ok({ linked: false, advisor: null }),
    'member.birthdayGift': ok({ enabled: false, hasBirthday: false, week: null, open: false, claimedAt: null, gift: { points: 0, couponName: null } } satisfies MemberOutputs['birthdayGift']),
    'member.recommendations': ok({ items: [] }),
    'member.track': ok({ accepted: 1, replayed: false }),
    'member.getCodeKey': () => ok(codeKey(new Date())),
    'member.pointsHistory': ok({ items: [{ id: 'l1', delta: 123, kind: 'earn', sourceType: 'purchase', balanceAfter: 123, createdAt: '2024-03-04T06:05:00.000Z' }], hasMore: false }),
    'member.myPurchases': ok({
      total: 1,
      items: [
        {
          purchaseId: 'pur_1',
          at: '2024-03-04T06:05:00.000Z',
          storeName: '上海静安旗舰店',
          amountFen: 4600,
          orderFen: 4600,
          discountFen: 0,
          refundedFen: 0,
          status: 'completed',
          pointsEarned: 46,
          pointsReversed: 0,
          lines: [{ title: '拿铁', quantity: 1, priceFen: 3200 }],
          channel: '门店',
        },
      ],
    } satisfies MemberOutputs['myPurchases']),
    'member.privacyPolicy': ok({ policy: DEFAULT_PRIVACY_POLICY, updatedAt: null, consent: null, withdrawnAt: null, upToDate: false } satisfies MemberOutputs['privacyPolicy']),
    'member.checkinCalendar': ok(calendar()),
    'member.reminderPreferences': ok(reminderPreferences()),
    'member.myCoupons': (e: Record<string, unknown>) => ok({ items: e.state === 'available' ? [coupon()] : [], hasMore: false, counts: { available: 1, used: 0, expired: 0 } }),
    'member.couponDetail': ok({ coupon: coupon() }),
    'member.claimCenter': ok({ offers: [offer()] }),
    'member.pointsMall': ok({ offers: [mallOffer()], balance: 320 }),
    'member.tasks': ok({ tasks: [task()] }),
    'member.myInvites': ok(invites()),
  }
  const staff: Record<string, unknown> = {
    'staff.me': ok(staffMe()),
    'staff.myContactWay': failure('FAILED_PRECONDITION', '该店员还没有绑定企业微信账号'),
    'staff.today': ok({
      storeId: 'store_jingan',
      date: '2024-03-05',
      purchases: 1,
      salesFen: 1230,
      pointsAwarded: 12,
      refunds: 0,
      refundedFen: 0,
      recent: [purchaseView()],
    } satisfies StaffOutputs['today']),
    'staff.followUps': ok({
      items: [
        {
          followUpId: 'f1',
          memberNo: '1000000001',
          nickname: '小爱',
          score: 3,
          comment: '排队太久',
          purchaseId: 'pur_1',
          amountFen: 1230,
          status: 'open',
          createdAt: '2024-03-04T08:00:00.000Z',
          closedAt: null,
          note: null,
        },
      ],
    }),
    'staff.myCareTasks': ok({
      items: [
        {
          taskId: 'care_1',
          kind: 'birthday',
          kindLabel: '生日关怀',
          memberNo: '1000000001',
          nickname: '小爱',
          reason: '今天生日',
          message: '小爱，生日快乐！',
          status: 'open',
          assigned: 'mine',
          template: 'created',
          createdAt: '2024-03-04T08:00:00.000Z',
          sentAt: null,
          repliedAt: null,
          bought: false,
        },
      ],
    }),
  }
  const admin: Record<string, unknown> = {
    'admin.consoleHome': ok(consoleHome()),
    'admin.listSegments': ok({ segments: [] }),
    'admin.getTierLadder': ok({ rules: DEFAULT_TIER_LADDER }),
    'admin.listCouponTemplates': ok({ templates: [] }),
    'admin.listCampaigns': ok({ campaigns: [] }),
    'admin.consoleReport': ok(storeReport()),
    'admin.listStores': ok({ scope: { kind: 'brand' }, stores: [{ storeId: 'store_jingan', name: '上海静安旗舰店', city: '上海', updatedAt: null }] }),
    'admin.listStaff': ok({ storeId: 'store_jingan', staff: [] }),
    'admin.listManagers': ok({ managers: [] }),
    'admin.settingsForm': ok({
      section: 'points',
      title: '积分规则',
      save: { action: 'setPointRules', field: 'rules' },
      schema: z.toJSONSchema(PointRulesSchema, { io: 'input' }) as Record<string, unknown>,
      value: DEFAULT_POINT_RULES,
      isDefault: true,
      updatedAt: null,
    }),
    'admin.auditLog': ok({
      rows: [{ id: 'a1', actor: 'o_admin', action: 'adjustPoints', target: 'o_alice', before: null, after: { delta: -100 }, storeId: null, reason: '重复积分扣回', at: '2024-03-01T02:00:00.000Z' }],
      next: null,
    }),
  }
  return { ...member_, ...staff, ...admin } as Handlers
}
