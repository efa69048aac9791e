import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { Member360 } from '../../../../types/console'
import AdjustPointsForm from './adjust-points'
import IssueCouponForm from './issue-coupon'
import TagForm from './tag-form'
import TierFloorForm from './tier-floor'

type FormId = 'adjust' | 'tag' | 'tier' | 'issue'

const BUTTONS: ReadonlyArray<{ id: FormId; buttonId: string; label: string; allowed: (can: Member360['can']) => boolean }> = [
  { id: 'adjust', buttonId: 'm360-adjust', label: '调整积分', allowed: can => can.adjustPoints },
  { id: 'tag', buttonId: 'm360-tag', label: '打标签', allowed: can => can.tag },
  { id: 'tier', buttonId: 'm360-floor', label: '等级保底', allowed: can => can.tierFloor },
  { id: 'issue', buttonId: 'm360-issue', label: '发券', allowed: can => can.issueCoupon },
]

/**
 * 操作: the actions `can` allows (a store manager: none; the function refuses them anyway), one form
 * open at a time; after a success the 360 is read again (`onChanged`).
 */
export default function MemberActions({ view, onChanged }: { view: Member360; onChanged: () => void }) {
  const [open, setOpen] = useState<FormId | null>(null)
  const [notice, setNotice] = useState('')
  const shown = BUTTONS.filter(b => b.allowed(view.can))
  if (!shown.length) return null
  const memberNo = view.member.memberNo
  const close = () => setOpen(null)
  const done = (text = '') => {
    setOpen(null)
    setNotice(text)
    onChanged()
  }

  return (
    <View id='m360-actions' className='card'>
      <Text className='m360-section-title'>操作</Text>
      <View className='m360-actions'>
        {shown.map(b => (
          <Button
            key={b.id}
            id={b.buttonId}
            className={`m360-action ${open === b.id ? 'btn-primary' : ''}`}
            size='mini'
            onClick={() => {
              setNotice('')
              setOpen(open === b.id ? null : b.id)
            }}
          >
            {b.label}
          </Button>
        ))}
      </View>
      {notice ? (
        <Text id='m360-action-notice' className='m360-item-sub'>
          {notice}
        </Text>
      ) : null}
      {open === 'adjust' ? (
        <AdjustPointsForm memberNo={memberNo} balance={view.points.balance} onCancel={close} onDone={a => done(`已调整 ${a.delta > 0 ? '+' : ''}${a.delta} 积分，余额 ${a.balance}`)} />
      ) : null}
      {open === 'tag' ? <TagForm memberNo={memberNo} manualTags={view.manualTags} onCancel={close} onDone={onChanged} /> : null}
      {open === 'tier' ? <TierFloorForm memberNo={memberNo} current={view.tierManual} onCancel={close} onDone={() => done()} /> : null}
      {open === 'issue' ? <IssueCouponForm memberNo={memberNo} onCancel={close} onDone={() => done()} /> : null}
    </View>
  )
}
