/** Tier ladder, lifecycle settings, manual tiers and manual tags, from the console. */
import type { AdminActions } from './actions'
import { AppError } from '../../types/result'
import { effectiveTierId, tierDef } from '../../domain/tiers'
import { actorOf, audit, auditIn } from '../shared/audit'
import { members } from '../shared/collections/members'
import { tiersConfig } from '../shared/collections/tiers_config'
import { findById } from '../shared/query'
import { wholeFields } from '../shared/activity'
import { memberIn } from '../shared/members'
import { LIFECYCLE, loadRules, saveRules, TIER_LADDER } from '../shared/rules'
import { transact } from '../shared/transaction'
import { memberIdOf, memberIdsOf } from './member-ref'

export const adminTierActions: Pick<AdminActions, 'getTierLadder' | 'setTierLadder' | 'getLifecycleConfig' | 'setLifecycleConfig' | 'setMemberTier' | 'tagMembers' | 'pinModelParams'> = {
  /** The daily tiers job reads `tiers_config/models`: pinned parameters replace the daily refit. */
  async pinModelParams(event, ctx) {
    const models = tiersConfig.doc('models')
    const before = await findById(tiersConfig, 'models')
    await models.set({ data: { pinned: event.params !== null, params: event.params, updatedAt: ctx.now, updatedBy: actorOf(ctx) } })
    await audit({
      actor: actorOf(ctx),
      action: 'pinModelParams',
      target: 'models',
      before: before ? { pinned: before.pinned, params: before.params } : null,
      after: { pinned: event.params !== null, params: event.params },
      at: ctx.now,
    })
    return { pinned: event.params !== null, params: event.params }
  },

  async getTierLadder() {
    return loadRules(TIER_LADDER)
  },

  /** Members keep their tier id until their next activity or review places them on the new ladder. */
  async setTierLadder(event, ctx) {
    return saveRules(TIER_LADDER, event.ladder, ctx)
  },

  async getLifecycleConfig() {
    return loadRules(LIFECYCLE)
  },

  async setLifecycleConfig(event, ctx) {
    return saveRules(LIFECYCLE, event.config, ctx)
  },

  /**
   * floor: the member never drops below the tier; override: exactly the tier; both until `until`
   * (or for good). The earned tier keeps being tracked underneath and applies again after.
   */
  async setMemberTier(event, ctx) {
    const { rules: ladder } = await loadRules(TIER_LADDER)
    if (event.tierId && !ladder.tiers.some(t => t.tierId === event.tierId)) throw new AppError('INVALID_ARGUMENT', `没有这个等级：${event.tierId}`, [{ path: 'tierId', message: 'unknown tier' }])
    const openid = await memberIdOf(event)
    return transact(async t => {
      const member = await memberIn(t, openid)
      const base = member.tier ?? { tierId: ladder.tiers[0].tierId, since: ctx.now, reviewAt: ctx.now, downgradeAt: null, manual: null }
      const manual = event.mode === 'clear' ? null : { tierId: event.tierId!, mode: event.mode, until: event.until ? new Date(event.until) : null, reason: event.reason, by: actorOf(ctx), at: ctx.now }
      const tier = { ...base, manual }
      const tierId = effectiveTierId(tier, ladder, ctx.now)
      await members
        .in(t)
        .doc(member._id)
        .update({ data: wholeFields({ tier, tierId, updatedAt: ctx.now }) })
      await auditIn(t, {
        actor: actorOf(ctx),
        action: 'setMemberTier',
        target: member._id,
        before: { tierId: member.tierId ?? null, manual: member.tier?.manual ?? null },
        after: { tierId, manual },
        reason: event.reason,
        at: ctx.now,
      })
      return { openid: member._id, tierId, tierName: tierDef(ladder, tierId).name, manual }
    })
  },

  async tagMembers(event, ctx) {
    let updated = 0
    let unchanged = 0
    const { refs, missing } = await memberIdsOf(event.openids, event.memberNos)
    for (const { id: openid, label } of refs) {
      try {
        const changed = await transact(async t => {
          const member = await memberIn(t, openid)
          const manualTags = [...new Set([...member.manualTags.filter(tag => !event.remove.includes(tag)), ...event.add])]
          if (manualTags.length === member.manualTags.length && manualTags.every(tag => member.manualTags.includes(tag))) return false
          if (event.dryRun) return true
          const tags = [...new Set([...manualTags, ...member.ruleTags])]
          await members
            .in(t)
            .doc(openid)
            .update({ data: { manualTags, tags, updatedAt: ctx.now } })
          await auditIn(t, { actor: actorOf(ctx), action: 'tagMembers', target: openid, before: { manualTags: member.manualTags }, after: { manualTags }, at: ctx.now })
          return true
        })
        if (changed) updated++
        else unchanged++
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'NOT_FOUND' && err.code !== 'PERMISSION_DENIED')) throw err
        missing.push(label)
      }
    }
    return { dryRun: event.dryRun, updated, unchanged, missing }
  },
}
