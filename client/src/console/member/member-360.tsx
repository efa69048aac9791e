import { useEffect, useRef, useState, type ReactNode } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Member360 } from '../../../../types/console'
import { consoleApi, type ConsoleCouponTemplate } from '../../services/console'
import { failText } from '../../services/errors'
import { LEDGER_KIND_TEXT, lastValid, shanghaiDateText, shanghaiDateTimeText, signedPoints } from '../../utils/format'
import { formatFen } from '../../utils/money'
import { newRequestId } from '../../utils/request-id'
import { genderText, layerText, reminderText, riskText, stageText, statusText } from '../format'

const REASON_MIN = 2
const REASON_MAX = 100

type SectionId = 'ledger' | 'coupons' | 'purchases' | 'reminders' | 'nps' | 'followUps' | 'audit'

/** Open at first: what an operator usually looks at. */
const OPEN_AT_FIRST: ReadonlySet<SectionId> = new Set<SectionId>(['ledger', 'purchases'])

const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')

function Section(props: { id: SectionId; title: string; count: number; open: boolean; onToggle: () => void; empty: string; children: ReactNode }) {
  return (
    <View id={`m360-${props.id}`} className='card'>
      <View id={`m360-${props.id}-toggle`} className='m360-section-head' aria-expanded={props.open ? 'true' : 'false'} onClick={props.onToggle}>
        <Text className='m360-section-title'>
          {props.title}（{props.count}）
        </Text>
        <Text className='muted'>{props.open ? '收起 ▴' : '展开 ▾'}</Text>
      </View>
      {props.open ? (
        <View id={`m360-${props.id}-list`}>{props.count === 0 ? <Text className='muted'>{props.empty}</Text> : props.children}</View>
      ) : null}
    </View>
  )
}

/** 显示: the full phone after the operator gives a reason (audited by the function). */
function PhoneLine({ view }: { view: Member360 }) {
  const { member, can } = view
  const [phone, setPhone] = useState<string | null>(null)
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    const text = reason.trim()
    if (text.length < REASON_MIN) {
      setError(`请写明查看原因（至少 ${REASON_MIN} 个字）`)
      return
    }
    setBusy(true)
    setError('')
    try {
      const res = await consoleApi.revealPhone(member.memberNo, text)
      if (res.ok) {
        setPhone(res.data.phone)
        setAsking(false)
      } else setError(failText(res))
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (!member.hasPhone) {
    return (
      <View className='m360-phone'>
        <Text id='m360-phone' className='muted'>未绑定手机号</Text>
      </View>
    )
  }
  return (
    <View>
      <View className='m360-phone'>
        <Text id='m360-phone'>{phone ?? member.maskedPhone ?? '—'}</Text>
        {can.revealPhone && !phone && !asking ? (
          <Button id='m360-reveal' className='m360-reveal' size='mini' onClick={() => setAsking(true)}>
            显示
          </Button>
        ) : null}
      </View>
      {asking ? (
        <View id='m360-reveal-form' className='m360-form'>
          <View className='m360-field'>
            <Text className='m360-field-label'>查看原因</Text>
            <Input
              id='m360-reveal-reason'
              className='m360-field-input'
              value={reason}
              maxlength={REASON_MAX}
              placeholder='如：客户来电核实身份（记入审计）'
              onInput={e => {
                setReason(e.detail.value)
                setError('')
              }}
            />
          </View>
          {error ? (
            <Text id='m360-reveal-error' className='error-text'>
              {error}
            </Text>
          ) : null}
          <View className='m360-actions'>
            <Button id='m360-reveal-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
              {busy ? '查询中' : '确认显示'}
            </Button>
            <Button id='m360-reveal-cancel' className='m360-action' size='mini' onClick={() => setAsking(false)}>
              取消
            </Button>
          </View>
        </View>
      ) : null}
    </View>
  )
}

type Templates = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; templates: ConsoleCouponTemplate[] }

/** 发券: one coupon of a template (admin channel) to this member; the requestId is kept for a retry of the same choice. */
function IssueCouponForm({ memberNo, onDone, onCancel }: { memberNo: string; onDone: () => void; onCancel: () => void }) {
  const [templates, setTemplates] = useState<Templates>({ status: 'loading' })
  const [chosen, setChosen] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const requestId = useRef<{ templateId: string; id: string } | null>(null)

  const load = async () => {
    setTemplates({ status: 'loading' })
    try {
      const res = await consoleApi.listCouponTemplates()
      if (res.ok) setTemplates({ status: 'ready', templates: res.data.templates.filter(t => t.status === 'active' && t.channels.includes('admin')) })
      else setTemplates({ status: 'error', message: failText(res) })
    } catch (err) {
      setTemplates({ status: 'error', message: errorOf(err) })
    }
  }
  useEffect(() => {
    void load()
  }, [])

  const submit = async () => {
    if (!chosen) {
      setError('请选择要发的券')
      return
    }
    if (requestId.current?.templateId !== chosen) requestId.current = { templateId: chosen, id: newRequestId('issue') }
    setBusy(true)
    setError('')
    try {
      const res = await consoleApi.issueCoupon({ templateId: chosen, memberNo, requestId: requestId.current.id })
      if (!res.ok) {
        setError(failText(res))
        return
      }
      const a = res.data
      const reasons = Object.keys(a.skipped)
      if (a.issued > 0 || a.alreadyIssued > 0) {
        void Taro.showToast({ title: a.issued > 0 ? '已发券' : '该券已发过', icon: 'success' })
        requestId.current = null
        onDone()
      } else if (reasons.length) setError(`未发出：${reasons.join('；')}`)
      else setError('未发出，请稍后用同一选择重试')
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View id='m360-issue-form' className='m360-form'>
      {templates.status === 'loading' ? <Text className='muted'>加载券模板…</Text> : null}
      {templates.status === 'error' ? (
        <View>
          <Text className='error-text'>{templates.message}</Text>
          <Button id='m360-issue-retry' size='mini' onClick={() => void load()}>
            重试
          </Button>
        </View>
      ) : null}
      {templates.status === 'ready' && templates.templates.length === 0 ? <Text className='muted'>没有可后台发放的券模板</Text> : null}
      {templates.status === 'ready'
        ? templates.templates.map(t => (
            <View
              key={t.templateId}
              id={`m360-template-${t.templateId}`}
              className={`m360-template ${chosen === t.templateId ? 'm360-template-on' : ''}`}
              aria-selected={chosen === t.templateId ? 'true' : 'false'}
              onClick={() => {
                setChosen(t.templateId)
                setError('')
              }}
            >
              <Text>{t.name}</Text>
              <Text className='m360-item-sub'>
                {t.summary}
                {t.stock !== null ? ` · 剩余 ${t.stock} 张` : ''}
              </Text>
            </View>
          ))
        : null}
      {error ? (
        <Text id='m360-issue-error' className='error-text'>
          {error}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='m360-issue-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
          {busy ? '发放中' : '确认发券'}
        </Button>
        <Button id='m360-issue-cancel' className='m360-action' size='mini' onClick={onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}

/**
 * The member 360: who they are, tier and growth, stage, RFM, tags, churn risk, points, then the
 * ledger, coupons, purchases, reminders, NPS, follow-ups and audit trail as collapsible lists, and
 * the actions the caller may take (`can`; the function enforces them again).
 */
export default function Member360View({ view, onChanged }: { view: Member360; onChanged: () => void }) {
  const [open, setOpen] = useState<Set<SectionId>>(() => new Set(OPEN_AT_FIRST))
  const [issuing, setIssuing] = useState(false)
  const toggle = (id: SectionId) => () =>
    setOpen(s => {
      const next = new Set(s)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  const { member, tier, rfm, churn, stats, points, can } = view
  const risk = churn ? riskText(churn.risk) : null
  const autoTags = view.tags.filter(t => !view.manualTags.includes(t))

  return (
    <View id='m360' data-member-no={member.memberNo}>
      <View id='m360-header' className='card'>
        <View className='m360-line'>
          <Text id='m360-name' className='m360-name'>
            {member.nickname || '未设置昵称'}
          </Text>
          <Text id='m360-member-no' className='muted'>
            会员号 {member.memberNo}
          </Text>
        </View>
        <PhoneLine key={member.memberNo} view={view} />
        <Text className='m360-item-sub'>
          {genderText(member.gender)}
          {member.birthday ? ` · 生日 ${member.birthday}` : ''} · {shanghaiDateText(member.createdAt)} 入会
        </Text>
        <View className='m360-badges'>
          <Text id='m360-stage' className='m360-badge'>
            阶段：{stageText(member.stage)}
          </Text>
          <Text id='m360-rfm' className='m360-badge'>
            {rfm ? `RFM ${rfm.r}-${rfm.f}-${rfm.m} · ${layerText(rfm.layer)}` : `RFM 暂无 · ${layerText(member.valueLayer)}`}
          </Text>
        </View>
        <View id='m360-tags' className='m360-badges'>
          {view.tags.length === 0 && view.manualTags.length === 0 ? <Text className='muted'>暂无标签</Text> : null}
          {autoTags.map(t => (
            <Text key={`a-${t}`} className='m360-badge m360-tag'>
              {t}
            </Text>
          ))}
          {view.manualTags.map(t => (
            <Text key={`m-${t}`} className='m360-badge m360-tag m360-tag-manual'>
              {t}（人工）
            </Text>
          ))}
        </View>
      </View>

      <View id='m360-tier' className='card'>
        <View className='m360-line'>
          <Text className='m360-section-title'>
            {tier.name}
            {tier.title ? ` · ${tier.title}` : ''}
          </Text>
          <Text className='muted'>成长值 {tier.growth}</Text>
        </View>
        <View className='m360-progress'>
          <View className='m360-progress-bar' style={{ width: `${Math.round(Math.max(0, Math.min(1, tier.ratio)) * 100)}%` }} />
        </View>
        <Text id='m360-tier-next' className='muted'>
          {tier.next ? `距 ${tier.next.name} 还差 ${tier.next.missing} 成长值` : '已是最高等级'}
          {tier.downgradeAt ? ` · ${shanghaiDateText(tier.downgradeAt)} 将降级` : ''}
        </Text>
      </View>

      <View id='m360-churn' className='card'>
        <Text className='m360-section-title'>流失风险与价值</Text>
        {churn && risk ? (
          <View>
            <View className='m360-line'>
              <Text>
                流失风险 <Text id='m360-risk' className={`m360-risk-${risk.level}`}>{risk.label} {risk.percent}</Text>
              </Text>
              <Text id='m360-predicted' className='muted'>
                预测价值 {formatFen(churn.predictedValueFen)}
              </Text>
            </View>
            <Text className='m360-item-sub'>
              预计未来购买 {Math.round(churn.expectedPurchases * 10) / 10} 次 · {shanghaiDateText(churn.scoredAt)} 评估
            </Text>
            <View id='m360-risk-reasons' className='m360-reasons'>
              {churn.reasons.map(r => (
                <Text key={r} className='m360-reason'>
                  · {r}
                </Text>
              ))}
            </View>
          </View>
        ) : (
          <View>
            <Text id='m360-risk' className='muted'>尚未评估（每日任务运行后可见）</Text>
          </View>
        )}
      </View>

      <View id='m360-points' className='card'>
        <View className='m360-stats'>
          <View className='m360-stat'>
            <Text className='muted'>积分余额</Text>
            <Text id='m360-balance' className='m360-stat-value'>{points.balance}</Text>
          </View>
          <View className='m360-stat'>
            <Text className='muted'>消费次数</Text>
            <Text className='m360-stat-value'>{stats.purchases}</Text>
          </View>
          <View className='m360-stat'>
            <Text className='muted'>累计消费</Text>
            <Text className='m360-stat-value'>{formatFen(stats.spendFen)}</Text>
          </View>
        </View>
        {points.expiring && points.expiring.amount > 0 ? (
          <Text id='m360-expiring' className='m360-item-sub'>
            {points.expiring.amount} 积分将于 {shanghaiDateText(points.expiring.date)} 过期
          </Text>
        ) : null}
        {stats.lastPurchaseAt ? <Text className='m360-item-sub'>最近消费 {shanghaiDateTimeText(stats.lastPurchaseAt)}</Text> : null}
      </View>

      {can.issueCoupon ? (
        <View id='m360-actions' className='card'>
          <Text className='m360-section-title'>操作</Text>
          <View className='m360-actions'>
            {!issuing ? (
              <Button id='m360-issue' className='m360-action' size='mini' onClick={() => setIssuing(true)}>
                发券
              </Button>
            ) : null}
          </View>
          {issuing ? (
            <IssueCouponForm
              memberNo={member.memberNo}
              onCancel={() => setIssuing(false)}
              onDone={() => {
                setIssuing(false)
                onChanged()
              }}
            />
          ) : null}
        </View>
      ) : null}

      <Section id='ledger' title='积分明细' count={view.ledger.length} open={open.has('ledger')} onToggle={toggle('ledger')} empty='暂无积分记录'>
        {view.ledger.map(l => (
          <View key={l.id} className='m360-item m360-line'>
            <View>
              <Text>{LEDGER_KIND_TEXT[l.kind] ?? l.kind}</Text>
              <Text className='m360-item-sub'>
                {shanghaiDateTimeText(l.createdAt)}
                {l.reason ? ` · ${l.reason}` : ''}
              </Text>
            </View>
            <Text className={l.delta >= 0 ? 'm360-plus' : 'm360-minus'}>{signedPoints(l.delta)}</Text>
          </View>
        ))}
      </Section>

      <Section id='coupons' title='优惠券' count={view.coupons.length} open={open.has('coupons')} onToggle={toggle('coupons')} empty='暂无优惠券'>
        {view.coupons.map(c => (
          <View key={c.couponId} className='m360-item m360-line'>
            <View>
              <Text>{c.name}</Text>
              <Text className='m360-item-sub'>
                {c.summary} · 有效期至 {shanghaiDateText(lastValid(c.validUntil))}
              </Text>
            </View>
            <Text className='muted'>{statusText(c.state)}</Text>
          </View>
        ))}
      </Section>

      <Section id='purchases' title='消费记录' count={view.purchases.length} open={open.has('purchases')} onToggle={toggle('purchases')} empty='暂无消费记录'>
        {view.purchases.map(p => (
          <View key={p.purchaseId} id={`m360-purchase-${p.purchaseId}`} className='m360-item'>
            <View className='m360-line'>
              <Text>
                {p.storeName} · {p.channel}
              </Text>
              <Text>{formatFen(p.amountFen)}</Text>
            </View>
            <Text className='m360-item-sub'>
              {shanghaiDateTimeText(p.at)} · {statusText(p.status)}
              {p.refundedFen > 0 ? ` · 退款 ${formatFen(p.refundedFen)}` : ''}
              {p.pointsEarned ? ` · 积分 +${p.pointsEarned}` : ''}
            </Text>
            {p.lines.length ? (
              <View className='m360-lines'>
                {p.lines.map((line, i) => (
                  <Text key={i} className='m360-item-sub'>
                    {line.title} × {line.quantity} · {formatFen(line.priceFen)}
                  </Text>
                ))}
              </View>
            ) : null}
          </View>
        ))}
      </Section>

      <Section id='reminders' title='提醒与消息' count={view.reminders.length} open={open.has('reminders')} onToggle={toggle('reminders')} empty='暂无提醒'>
        {view.reminders.map((r, i) => (
          <View key={i} className='m360-item m360-line'>
            <Text>{reminderText(r.kind)}</Text>
            <Text className='muted'>
              {statusText(r.status)} · {shanghaiDateTimeText(r.at)}
            </Text>
          </View>
        ))}
      </Section>

      <Section id='nps' title='NPS 评价' count={view.nps.length} open={open.has('nps')} onToggle={toggle('nps')} empty='暂无评价'>
        {view.nps.map((n, i) => (
          <View key={i} className='m360-item'>
            <View className='m360-line'>
              <Text>{n.score} 分</Text>
              <Text className='muted'>{shanghaiDateTimeText(n.at)}</Text>
            </View>
            <Text className='m360-item-sub'>{n.comment || '未留言'}</Text>
          </View>
        ))}
      </Section>

      <Section id='followUps' title='回访' count={view.followUps.length} open={open.has('followUps')} onToggle={toggle('followUps')} empty='暂无回访'>
        {view.followUps.map((f, i) => (
          <View key={i} className='m360-item'>
            <View className='m360-line'>
              <Text>{statusText(f.status)}</Text>
              <Text className='muted'>{shanghaiDateTimeText(f.at)}</Text>
            </View>
            {f.note ? <Text className='m360-item-sub'>{f.note}</Text> : null}
          </View>
        ))}
      </Section>

      <Section id='audit' title='操作记录' count={view.audit.length} open={open.has('audit')} onToggle={toggle('audit')} empty='暂无操作记录'>
        {view.audit.map(a => (
          <View key={a.id} className='m360-item m360-line'>
            <View>
              <Text>{a.action}</Text>
              <Text className='m360-item-sub'>操作人 {a.actor}</Text>
            </View>
            <Text className='muted'>{shanghaiDateTimeText(a.at)}</Text>
          </View>
        ))}
      </Section>
    </View>
  )
}
