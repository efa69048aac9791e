/**
 * NPS after a purchase: the question (only about the caller's own recent purchase), the answer or a
 * dismissal (both count as asked, decided in one transaction on `nps_state/<openid>` so two answers
 * at once cannot both land), the opt-out, and a follow-up for the store when the member is a detractor.
 */
import type { MemberActions } from './actions'
import type { NpsState } from '../../types/nps'
import { AppError } from '../../types/result'
import { npsAsk, npsCategory } from '../../domain/nps'
import { careForDetractor } from '../shared/care'
import { followUpIdOf, followUps } from '../shared/collections/follow_ups'
import { npsResponseId as responseIdOf, npsResponses } from '../shared/collections/nps_responses'
import { npsState } from '../shared/collections/nps_state'
import { purchases, purchasesOf, type PurchaseDoc } from '../shared/collections/purchases'
import { stores } from '../shared/collections/stores'
import { requireUser } from '../shared/handler'
import { loadMember, memberIn } from '../shared/members'
import { findById } from '../shared/query'
import type { Transaction } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'

async function stateIn(t: Transaction, openid: string): Promise<{ state: NpsState; stored: boolean }> {
  const stored = await getInTransaction(t, npsState, openid)
  return { state: stored ?? { _id: openid, askedAt: null, optOut: false, updatedAt: new Date(0) }, stored: !!stored }
}

async function writeState(t: Transaction, stored: boolean, state: NpsState): Promise<void> {
  const { _id, ...data } = state
  if (stored) await npsState.in(t).doc(_id).update({ data })
  else await npsState.in(t).add({ data: state })
}

async function latestPurchase(memberId: string): Promise<PurchaseDoc | null> {
  const { data } = await purchasesOf(memberId).orderBy('createdAt', 'desc').limit(1).get()
  return data[0] ?? null
}

/**
 * Inside the transaction: the purchase must be the caller's own and the one the question is about
 * now; answers to it already stored come back as a replay.
 */
async function askable(t: Transaction, openid: string, purchaseId: string, now: Date) {
  await memberIn(t, openid)
  const existing = await getInTransaction(t, npsResponses, responseIdOf(purchaseId))
  if (existing) {
    if (existing.memberId !== openid) throw new AppError('NOT_FOUND', '没有这笔消费')
    return { existing, purchase: null, state: null, stored: false }
  }
  const purchase = await getInTransaction(t, purchases, purchaseId)
  if (!purchase || purchase.memberId !== openid) throw new AppError('NOT_FOUND', '没有这笔消费')
  const { state, stored } = await stateIn(t, openid)
  const ask = npsAsk({
    optOut: state.optOut,
    askedAt: state.askedAt ? new Date(state.askedAt) : null,
    lastPurchase: { purchaseId, storeId: String(purchase.storeId), createdAt: new Date(purchase.createdAt), status: String(purchase.status) },
    now,
  })
  if (!ask.ask) throw new AppError('FAILED_PRECONDITION', ask.reason === 'asked_recently' ? '近期已评价过，谢谢' : ask.reason === 'opted_out' ? '你已关闭评价邀请' : '这笔消费已不能评价')
  return { existing: null, purchase, state, stored }
}

export const npsActions: Pick<MemberActions, 'npsPrompt' | 'submitNps' | 'dismissNps' | 'setNpsOptOut'> = {
  async npsPrompt(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const [state, purchase] = await Promise.all([findById(npsState, member._id), latestPurchase(member._id)])
    const ask = npsAsk({
      optOut: state?.optOut ?? false,
      askedAt: state?.askedAt ? new Date(state.askedAt) : null,
      lastPurchase: purchase ? { purchaseId: String(purchase._id), storeId: String(purchase.storeId), createdAt: new Date(purchase.createdAt), status: String(purchase.status) } : null,
      now: ctx.now,
    })
    if (!ask.ask) return ask
    const store = await findById(stores, ask.storeId)
    return { ...ask, storeName: store ? String(store.name) : null, purchasedAt: new Date(purchase!.createdAt).toISOString() }
  },

  async submitNps(event, ctx) {
    const openid = requireUser(ctx)
    const category = npsCategory(event.score)
    let detractorStore: string | null = null
    const answer = await transact(async t => {
      detractorStore = null
      const { existing, purchase, state, stored } = await askable(t, openid, event.purchaseId, ctx.now)
      if (existing) {
        if (existing.dismissed) throw new AppError('FAILED_PRECONDITION', '这笔消费的评价已跳过')
        return { category: npsCategory(Number(existing.score)), followUp: npsCategory(Number(existing.score)) === 'detractor', replayed: true }
      }
      const member = await memberIn(t, openid)
      const responseId = responseIdOf(event.purchaseId)
      await npsResponses.in(t).add({
        data: {
          _id: responseId,
          memberId: openid,
          memberNo: member.memberNo,
          purchaseId: event.purchaseId,
          storeId: purchase!.storeId,
          score: event.score,
          category,
          comment: event.comment,
          dismissed: false,
          at: ctx.now,
        },
      })
      await writeState(t, stored, { ...state!, askedAt: ctx.now, updatedAt: ctx.now })
      if (category === 'detractor') {
        await followUps.in(t).add({
          data: {
            _id: followUpIdOf(responseId),
            storeId: purchase!.storeId,
            responseId,
            memberId: openid,
            memberNo: member.memberNo,
            nickname: member.nickname,
            score: event.score,
            comment: event.comment,
            purchaseId: event.purchaseId,
            amountFen: purchase!.amountFen,
            status: 'open',
            createdAt: ctx.now,
            closedAt: null,
            closedBy: null,
            note: null,
          },
        })
        detractorStore = purchase!.storeId
      }
      return { category, followUp: category === 'detractor', replayed: false }
    })
    // the advisor's 关怀 task (shared/care.ts), after the answer is stored: a failure only loses the task
    if (detractorStore) {
      const care = { memberId: openid, responseId: responseIdOf(event.purchaseId), score: event.score, comment: event.comment, storeId: detractorStore, now: ctx.now }
      await careForDetractor(care).catch(err => console.error('[member] care task for a detractor not created', openid, err))
    }
    return answer
  },

  async dismissNps(event, ctx) {
    const openid = requireUser(ctx)
    return transact(async t => {
      const { existing, purchase, state, stored } = await askable(t, openid, event.purchaseId, ctx.now)
      if (existing) return { dismissed: true as const }
      await npsResponses.in(t).add({
        data: {
          _id: responseIdOf(event.purchaseId),
          memberId: openid,
          purchaseId: event.purchaseId,
          storeId: purchase!.storeId,
          score: null,
          category: null,
          comment: '',
          dismissed: true,
          at: ctx.now,
        },
      })
      await writeState(t, stored, { ...state!, askedAt: ctx.now, updatedAt: ctx.now })
      return { dismissed: true as const }
    })
  },

  async setNpsOptOut(event, ctx) {
    const openid = requireUser(ctx)
    await transact(async t => {
      await memberIn(t, openid)
      const { state, stored } = await stateIn(t, openid)
      await writeState(t, stored, { ...state, optOut: event.optOut, updatedAt: ctx.now })
    })
    return { optOut: event.optOut }
  },
}
