import { useState, type ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import type { Member360 } from '../../../../types/console'
import { CARE_STATUS_TEXT, CARE_TEMPLATE_TEXT } from '../../utils/care-text'
import { LEDGER_KIND_TEXT, lastValid, shanghaiDateText, shanghaiDateTimeText, signedPoints } from '../../utils/format'
import { formatFen } from '../../utils/money'
import { genderText, layerText, reminderText, riskText, stageText, statusText } from '../format'
import MemberActions from './actions'
import PhoneLine from './phone-line'

type SectionId = 'ledger' | 'coupons' | 'purchases' | 'reminders' | 'nps' | 'followUps' | 'careTasks' | 'audit'

/** Open at first: what an operator usually looks at. */
const OPEN_AT_FIRST: ReadonlySet<SectionId> = new Set<SectionId>(['ledger', 'purchases'])

function Section(props: { id: SectionId; title: string; count: number; open: boolean; onToggle: () => void; empty: string; children: ReactNode }) {
  return (
    <View id={`m360-${props.id}`} className='card'>
      <View id={`m360-${props.id}-toggle`} className='m360-section-head' aria-expanded={props.open ? 'true' : 'false'} onClick={props.onToggle}>
        <Text className='m360-section-title'>
          {props.title}（{props.count}）
        </Text>
        <Text className='muted'>{props.open ? '收起 ▴' : '展开 ▾'}</Text>
      </View>
      {props.open ? <View id={`m360-${props.id}-list`}>{props.count === 0 ? <Text className='muted'>{props.empty}</Text> : props.children}</View> : null}
    </View>
  )
}

/**
 * The member 360: who they are (with the WeCom advisor, the tags synced to WeCom and the sign-up
 * source), tier and growth, stage, RFM, tags, churn risk, points, then the ledger, coupons, purchases,
 * reminders, NPS, follow-ups, care tasks and audit trail as collapsible lists, and the actions the
 * caller may take (`can`; the function enforces them again).
 */
export default function Member360View({ view, onChanged }: { view: Member360; onChanged: () => void }) {
  const [open, setOpen] = useState<Set<SectionId>>(() => new Set(OPEN_AT_FIRST))
  const toggle = (id: SectionId) => () =>
    setOpen(s => {
      const next = new Set(s)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  const { member, tier, rfm, churn, stats, points } = view
  const risk = churn ? riskText(churn.risk) : null
  const autoTags = view.tags.filter(t => !view.manualTags.includes(t))
  // the tags last synced to the member's active WeCom contacts (an older function answers no tags)
  const wecomTags = [...new Set((view.wecom?.contacts ?? []).filter(c => c.status === 'active').flatMap(c => c.tags ?? []))]
  const careTasks = view.careTasks ?? []

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
        {/* 专属顾问 (WeCom): an older function answers no wecom field */}
        {view.wecom ? (
          <Text id='m360-advisor' className='muted'>
            {view.wecom.advisor
              ? `专属顾问：${view.wecom.advisor.staffName ?? view.wecom.advisor.wecomUserId}（企业微信 ${view.wecom.advisor.wecomUserId}${view.wecom.advisor.storeId ? ` · ${view.wecom.advisor.storeId}` : ''}）`
              : view.wecom.contacts.length
                ? '企业微信：已删除好友，暂无专属顾问'
                : '暂无专属顾问（未添加企业微信）'}
          </Text>
        ) : null}
        {wecomTags.length ? (
          <Text id='m360-wecom-tags' className='muted'>
            企业微信标签：{wecomTags.join('、')}
          </Text>
        ) : null}
        {view.signup ? (
          <Text id='m360-signup' className='muted'>
            来源：{[view.signup.channelName ?? view.signup.kindLabel, view.signup.storeName ?? view.signup.storeId, view.signup.staffName].filter(Boolean).join(' · ')}（
            {shanghaiDateText(view.signup.at)}）
          </Text>
        ) : null}
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
        {view.tierManual ? (
          <Text id='m360-tier-manual' className='m360-item-sub'>
            {view.tierManual.mode === 'floor' ? '等级保底' : '指定等级'}：{view.tierManual.tierName}
            {view.tierManual.until ? `，至 ${shanghaiDateText(view.tierManual.until)}` : '，不限期'} · {view.tierManual.reason}
          </Text>
        ) : null}
      </View>

      <View id='m360-churn' className='card'>
        <Text className='m360-section-title'>流失风险与价值</Text>
        {churn && risk ? (
          <View>
            <View className='m360-line'>
              <Text>
                流失风险{' '}
                <Text id='m360-risk' className={`m360-risk-${risk.level}`}>
                  {risk.label} {risk.percent}
                </Text>
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
            <Text id='m360-risk' className='muted'>
              尚未评估（每日任务运行后可见）
            </Text>
          </View>
        )}
      </View>

      <View id='m360-points' className='card'>
        <View className='m360-stats'>
          <View className='m360-stat'>
            <Text className='muted'>积分余额</Text>
            <Text id='m360-balance' className='m360-stat-value'>
              {points.balance}
            </Text>
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

      <MemberActions view={view} onChanged={onChanged} />

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

      <Section id='careTasks' title='关怀任务' count={careTasks.length} open={open.has('careTasks')} onToggle={toggle('careTasks')} empty='暂无关怀任务'>
        {careTasks.map((t, i) => (
          <View key={i} className='m360-item'>
            <View className='m360-line'>
              <Text>
                {t.kindLabel} · {CARE_STATUS_TEXT[t.status] ?? t.status}
              </Text>
              <Text className='muted'>{shanghaiDateTimeText(t.createdAt)}</Text>
            </View>
            <Text className='m360-item-sub'>
              {t.reason} · {t.assigneeName ?? '门店任务池'}
              {CARE_TEMPLATE_TEXT[t.template] ? ` · ${CARE_TEMPLATE_TEXT[t.template]}` : ''}
            </Text>
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
