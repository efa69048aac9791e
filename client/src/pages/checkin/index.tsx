import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { CheckinCalendar } from '../../../../types/checkin'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { usePageLoad } from '../../utils/use-page-load'
import { PageError, PageLoading } from '../../components/page-state'
import { askForReminders, canAskForReminders, loadReminderAsk } from '../../utils/subscribe'
import { MARK, WEEKDAYS, dayText, kindOf, makeupErrorText, monthCells, nextBonusText } from './calendar'
import './index.css'

type Ready = { status: 'ready'; calendar: CheckinCalendar }

/**
 * 每日签到: this month's calendar, the streak and the next streak bonus, today's check-in (one
 * request however often it is tapped) and make-ups of missed days with points or a make-up card.
 */
export default function CheckinPage() {
  const {
    load,
    setLoad,
    refresh: fetchCalendar,
    seq,
  } = usePageLoad(
    () => memberApi.checkinCalendar(),
    (calendar): Ready => ({ status: 'ready', calendar }),
  )
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState('')
  const [balance, setBalance] = useState<number | null>(null)
  const [earned, setEarned] = useState<{ points: number; bonus: number } | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [makingUp, setMakingUp] = useState(false)
  const [makeupError, setMakeupError] = useState('')
  /** weapp: templates to offer in WeChat's subscribe dialog; `remindOffer`: shown after a check-in */
  const [askIds, setAskIds] = useState<string[]>([])
  const [remindOffer, setRemindOffer] = useState(false)
  const checkingRef = useRef(false)
  const makingUpRef = useRef(false)

  useDidShow(() => {
    void fetchCalendar(false)
    // ahead of the tap: WeChat opens the subscribe dialog only synchronously inside a tap
    if (canAskForReminders()) void loadReminderAsk().then(setAskIds)
  })

  /** The tap on 开启提醒: the dialog is requested synchronously here (utils/subscribe.ts). */
  const subscribeReminders = () => {
    void askForReminders(askIds, view => setAskIds(view.askTemplateIds))
    setRemindOffer(false)
  }

  const showCalendar = (calendar: CheckinCalendar) => {
    seq.current++ // an older calendar request still in flight must not overwrite this one
    setLoad({ status: 'ready', calendar })
  }

  const checkIn = async () => {
    // H5's Button still fires onClick while disabled: the ref stops a double tap
    if (checkingRef.current) return
    if (load.status === 'ready' && load.calendar.checkedInToday) return
    checkingRef.current = true
    setChecking(true)
    setError('')
    try {
      const res = await memberApi.checkIn()
      if (!res.ok) {
        setError(failText(res))
        return
      }
      const r = res.data
      showCalendar(r.calendar)
      setBalance(r.balance)
      setEarned({ points: r.points, bonus: r.bonus })
      void Taro.showToast({ title: r.credited ? `签到成功 +${r.points} 积分` : '今天已签到', icon: 'none' })
      // the natural moment to offer reminders; the dialog needs a tap of its own (开启提醒 below)
      setRemindOffer(true)
    } catch (err) {
      setError(err instanceof Error ? `签到失败：${err.message}` : '签到失败，请重试')
    } finally {
      checkingRef.current = false
      setChecking(false)
    }
  }

  const makeUp = async (payWith: 'points' | 'card') => {
    if (makingUpRef.current || !selected || load.status !== 'ready') return
    const cost = load.calendar.makeup.costPoints
    makingUpRef.current = true
    setMakingUp(true)
    setMakeupError('')
    try {
      const res = await memberApi.makeUpCheckin(selected, payWith)
      if (!res.ok) {
        setMakeupError(makeupErrorText(res, payWith, cost))
        // the remaining make-ups, cards or missed days may have changed meanwhile
        if (res.code !== 'INTERNAL') void fetchCalendar(true)
        return
      }
      showCalendar(res.data.calendar)
      setBalance(res.data.balance)
      setSelected(null)
      void Taro.showToast({
        title: res.data.paidWith === 'points' ? `补签成功，扣除 ${res.data.cost} 积分` : '补签成功，已使用 1 张补签卡',
        icon: 'none',
      })
    } catch (err) {
      setMakeupError(err instanceof Error ? `补签失败：${err.message}` : '补签失败，请重试')
    } finally {
      makingUpRef.current = false
      setMakingUp(false)
    }
  }

  if (load.status === 'loading') return <PageLoading id='checkin-loading' />
  if (load.status === 'error') {
    return <PageError id='checkin-error' retryId='checkin-retry' message={load.message} onRetry={() => void fetchCalendar(false)} />
  }

  const c = load.calendar
  const [, month] = c.month.split('-').map(Number)
  const cells = monthCells(c.month)
  const bonusText = nextBonusText(c)
  const { makeup } = c

  return (
    <View className='page'>
      <View id='checkin-summary' className='card checkin-summary'>
        <View className='checkin-stat'>
          <Text id='checkin-streak' className='checkin-stat-value'>
            {c.streak}
          </Text>
          <Text className='muted'>连续签到（天）</Text>
        </View>
        <View className='checkin-stat'>
          <Text id='checkin-today-points' className='checkin-stat-value'>
            {c.todayPoints}
          </Text>
          <Text className='muted'>{c.checkedInToday ? '今日已得积分' : '今日签到可得'}</Text>
        </View>
        {balance !== null ? (
          <View className='checkin-stat'>
            <Text id='checkin-balance' className='checkin-stat-value'>
              {balance}
            </Text>
            <Text className='muted'>当前积分</Text>
          </View>
        ) : null}
      </View>

      {bonusText ? (
        <View id='checkin-next-bonus' className='checkin-next-bonus'>
          {bonusText}
        </View>
      ) : null}

      <Button id='checkin-button' className='btn-primary checkin-button' disabled={c.checkedInToday || checking || undefined} onClick={() => void checkIn()}>
        {c.checkedInToday ? '今日已签到' : checking ? '签到中…' : '签到'}
      </Button>
      {earned && c.checkedInToday ? (
        <View id='checkin-earned' className='checkin-earned muted'>
          今日获得 {earned.points} 积分{earned.bonus > 0 ? `（含连续签到奖励 ${earned.bonus}）` : ''}
        </View>
      ) : null}
      {remindOffer && askIds.length > 0 ? (
        <View id='checkin-remind' className='card' style={{ display: 'flex', alignItems: 'center' }}>
          <Text className='muted' style={{ flex: 1 }}>
            签到快中断、券或积分快到期时，用微信消息提醒你
          </Text>
          <Button id='checkin-remind-button' className='btn-primary' size='mini' onClick={subscribeReminders}>
            开启提醒
          </Button>
        </View>
      ) : null}
      {error ? (
        <View id='checkin-action-error' className='error-text checkin-error'>
          {error}
        </View>
      ) : null}

      <View id='checkin-calendar' className='card checkin-calendar' data-month={c.month}>
        <Text className='checkin-month'>{month} 月</Text>
        <View className='checkin-grid'>
          {WEEKDAYS.map(w => (
            <View key={`w${w}`} className='checkin-cell checkin-weekday muted'>
              {w}
            </View>
          ))}
          {cells.map((day, i) => {
            const kind = kindOf(c, day)
            const isSelected = day !== null && day === selected
            return (
              <View
                key={day ?? `b${i}`}
                id={day ? `checkin-day-${day}` : undefined}
                className={`checkin-cell checkin-day checkin-${kind}${isSelected ? ' checkin-selected' : ''}`}
                data-kind={kind}
                onClick={
                  kind === 'makeable' && day
                    ? () => {
                        setSelected(day)
                        setMakeupError('')
                      }
                    : undefined
                }
              >
                {day ? <Text className='checkin-day-num'>{Number(day.slice(8))}</Text> : null}
                {MARK[kind] ? <Text className='checkin-day-mark'>{MARK[kind]}</Text> : null}
              </View>
            )
          })}
        </View>
        <View className='checkin-legend muted'>
          <Text>✓ 已签到</Text>
          <Text>补 已补签</Text>
          {makeup.enabled ? <Text>虚线 可补签</Text> : null}
        </View>
        <View id='checkin-makeup-info' className='muted checkin-makeup-info'>
          {!makeup.enabled
            ? '暂未开放补签'
            : makeup.remainingThisMonth > 0
              ? `点击漏签的日期可补签 · 本月还可补签 ${makeup.remainingThisMonth} 次 · 补签卡 ${makeup.cards} 张`
              : `本月补签次数已用完 · 补签卡 ${makeup.cards} 张`}
        </View>
      </View>

      {selected ? (
        <View id='makeup-panel' className='card makeup-panel'>
          <Text className='makeup-title'>补签 {dayText(selected)}</Text>
          <Text className='muted makeup-desc'>补签不获得积分，但会接上连续签到天数。本月还可补签 {makeup.remainingThisMonth} 次。</Text>
          <Button id='makeup-with-points' className='btn-primary makeup-option' disabled={makingUp || undefined} onClick={() => void makeUp('points')}>
            用 {makeup.costPoints} 积分补签
          </Button>
          <Button id='makeup-with-card' className='makeup-option' disabled={makingUp || makeup.cards <= 0 || undefined} onClick={() => void makeUp('card')}>
            {makeup.cards > 0 ? `用补签卡补签（剩 ${makeup.cards} 张）` : '没有补签卡（剩 0 张）'}
          </Button>
          {makeupError ? (
            <View id='makeup-error' className='error-text makeup-error'>
              {makeupError}
            </View>
          ) : null}
          <Button
            id='makeup-cancel'
            className='makeup-option'
            onClick={() => {
              setSelected(null)
              setMakeupError('')
            }}
          >
            取消
          </Button>
        </View>
      ) : null}
    </View>
  )
}
