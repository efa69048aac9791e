import { useEffect, useRef, useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { NpsCategory } from '../../../types/nps'
import type { Result } from '../../../types/result'
import { failText } from '../services/errors'
import { memberApi } from '../services/member'
import { shanghaiDateText } from '../utils/format'
import './nps-card.css'

/** NPS_COMMENT_MAX in types/nps.ts (not imported: that module brings zod into the bundle). */
export const NPS_COMMENT_LIMIT = 200
/** how long the thank-you line stays before the card goes away */
export const NPS_THANKS_MS = 3000

const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

export const NPS_THANKS: Record<NpsCategory, string> = {
  detractor: '抱歉让你失望了，门店会尽快联系你',
  passive: '感谢你的评价，我们会继续改进',
  promoter: '感谢你的推荐！',
}

interface Ask {
  purchaseId: string
  storeName: string | null
  purchasedAt: string
}

type Card = { status: 'hidden' } | { status: 'ask'; ask: Ask } | { status: 'thanks'; text: string }

type Sending = null | 'submit' | 'dismiss' | 'optOut'

const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请稍后重试')

/**
 * 净推荐值 on the home page: "would you recommend us" about the member's recent purchase, asked only
 * when `member.npsPrompt` says so. Loads after each sign-in (`signedInKey`); shows nothing while
 * loading, when not asked or when the prompt fails, so the page never depends on it. A failed
 * answer shows the server's message and keeps the score and comment.
 */
export default function NpsCard({ signedInKey }: { signedInKey: number }) {
  const [card, setCard] = useState<Card>({ status: 'hidden' })
  const [score, setScore] = useState<number | null>(null)
  const [comment, setComment] = useState('')
  const [sending, setSending] = useState<Sending>(null)
  const [error, setError] = useState('')
  const sendingRef = useRef(false)
  /** the purchase the input belongs to: a refresh about the same purchase keeps what was typed */
  const askedAbout = useRef<string | null>(null)

  useEffect(() => {
    if (!signedInKey) return
    let current = true
    memberApi
      .npsPrompt()
      .then(res => {
        // a failed refresh leaves the card as it is; a failed first load shows nothing
        if (!current || !res.ok || sendingRef.current) return
        const p = res.data
        if (!p.ask) {
          setCard(c => (c.status === 'thanks' ? c : { status: 'hidden' }))
          return
        }
        if (askedAbout.current !== p.purchaseId) {
          askedAbout.current = p.purchaseId
          setScore(null)
          setComment('')
          setError('')
        }
        setCard({ status: 'ask', ask: { purchaseId: p.purchaseId, storeName: p.storeName, purchasedAt: p.purchasedAt } })
      })
      .catch(() => undefined)
    return () => {
      current = false
    }
  }, [signedInKey])

  const thanksShown = card.status === 'thanks'
  useEffect(() => {
    if (!thanksShown) return
    const timer = setTimeout(() => setCard({ status: 'hidden' }), NPS_THANKS_MS)
    return () => clearTimeout(timer)
  }, [thanksShown])

  if (card.status === 'hidden') return null

  if (card.status === 'thanks') {
    return (
      <View id='nps-card' className='nps-card card'>
        <Text id='nps-thanks' className='nps-thanks'>
          {card.text}
        </Text>
      </View>
    )
  }

  const { ask } = card

  /** One answer at a time; `done` runs on success, a failure keeps everything as typed. */
  const send = async <T,>(kind: Exclude<Sending, null>, call: () => Promise<Result<T>>, done: (data: T) => void) => {
    if (sendingRef.current) return
    sendingRef.current = true
    setSending(kind)
    setError('')
    try {
      const res = await call()
      if (res.ok) done(res.data)
      else setError(failText(res))
    } catch (err) {
      setError(errorOf(err))
    } finally {
      sendingRef.current = false
      setSending(null)
    }
  }

  const submit = () => {
    if (score === null) return
    void send(
      'submit',
      () => memberApi.submitNps(ask.purchaseId, score, comment.trim()),
      data => {
        askedAbout.current = null
        setCard({ status: 'thanks', text: NPS_THANKS[data.category] })
      },
    )
  }

  const dismiss = () => {
    void send(
      'dismiss',
      () => memberApi.dismissNps(ask.purchaseId),
      () => {
        askedAbout.current = null
        setCard({ status: 'hidden' })
      },
    )
  }

  const optOut = () => {
    void send(
      'optOut',
      () => memberApi.setNpsOptOut(true),
      () => {
        askedAbout.current = null
        setCard({ status: 'hidden' })
        void Taro.showToast({ title: '以后不再询问', icon: 'none' })
      },
    )
  }

  const busy = sending !== null
  const when = shanghaiDateText(ask.purchasedAt)
  return (
    <View id='nps-card' className='nps-card card'>
      <Text className='nps-title'>你愿意把我们推荐给朋友吗？</Text>
      <Text id='nps-store' className='nps-store muted'>
        {ask.storeName ? `你在${ask.storeName}的消费` : '你最近的一次消费'}
        {when ? `（${when}）` : ''}
      </Text>
      <View id='nps-scores' className='nps-scores'>
        {SCORES.map(n => (
          <View
            key={n}
            id={`nps-score-${n}`}
            className={`nps-score${score === n ? ' nps-score-on' : ''}`}
            aria-checked={score === n ? 'true' : 'false'}
            aria-disabled={busy ? 'true' : 'false'}
            onClick={() => {
              if (sendingRef.current) return
              setScore(n)
              setError('')
            }}
          >
            {n}
          </View>
        ))}
      </View>
      <View className='nps-scale muted'>
        <Text>0 完全不会</Text>
        <Text>10 非常愿意</Text>
      </View>
      <Textarea
        id='nps-comment'
        className='nps-comment'
        maxlength={NPS_COMMENT_LIMIT}
        placeholder='说说原因（选填）'
        disabled={busy || undefined}
        value={comment}
        onInput={e => setComment(e.detail.value.slice(0, NPS_COMMENT_LIMIT))}
      />
      <Text id='nps-comment-count' className='nps-count muted'>
        {comment.length}/{NPS_COMMENT_LIMIT}
      </Text>
      {error ? (
        <View id='nps-error' className='error-text nps-error'>
          {error}
        </View>
      ) : null}
      <Button id='nps-submit' className='btn-primary nps-submit' disabled={score === null || busy || undefined} onClick={submit}>
        {sending === 'submit' ? '提交中…' : '提交'}
      </Button>
      <View className='nps-later'>
        <Button id='nps-dismiss' className='nps-link' size='mini' disabled={busy || undefined} onClick={dismiss}>
          以后再说
        </Button>
        <Button id='nps-opt-out' className='nps-link' size='mini' disabled={busy || undefined} onClick={optOut}>
          不再询问
        </Button>
      </View>
    </View>
  )
}
