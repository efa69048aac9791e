import { useCallback, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useLoad } from '@tarojs/taro'
import type { Member360, MemberRow } from '../../../../types/console'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { consoleApi } from '../../services/console'
import { shanghaiDateText } from '../../utils/format'
import ConsoleDenied from '../components/denied'
import { stageText } from '../format'
import Member360View from './member-360'
import '../console.css'

type Results = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; query: string; members: MemberRow[] }
type Detail = { status: 'none' } | { status: 'loading'; memberNo: string } | { status: 'error'; memberNo: string; message: string } | { status: 'ready'; view: Member360 }

const isDenied = (code: string) => code === 'PERMISSION_DENIED' || code === 'UNAUTHENTICATED'
const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')

/**
 * 会员: search by phone (11 digits), member number (10 digits) or the start of a nickname; a hit
 * opens the member 360 on the same page (left: search and results, right: the 360 in a desktop
 * window). `?memberNo=` opens a member directly (a deep link).
 */
export default function ConsoleMemberPage() {
  const [query, setQuery] = useState('')
  const [results, setResults] = useState<Results>({ status: 'idle' })
  const [detail, setDetail] = useState<Detail>({ status: 'none' })
  const [denied, setDenied] = useState(false)
  const searchSeq = useRef(0)
  const detailSeq = useRef(0)

  const search = useCallback(async (text: string) => {
    const q = text.trim()
    if (!q) {
      setResults({ status: 'error', message: '请输入手机号、会员号或昵称' })
      return
    }
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++searchSeq.current
    setResults({ status: 'loading' })
    try {
      const res = await consoleApi.searchMembers(q)
      if (mine !== searchSeq.current) return
      if (res.ok) setResults({ status: 'ready', query: q, members: res.data.members })
      else if (isDenied(res.code)) setDenied(true)
      else setResults({ status: 'error', message: failText(res) })
    } catch (err) {
      if (mine === searchSeq.current) setResults({ status: 'error', message: errorOf(err) })
    }
  }, [])

  /** `quiet`: a refresh after an action keeps the 360 shown. */
  const open = useCallback(async (memberNo: string, quiet = false) => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++detailSeq.current
    if (!quiet) setDetail({ status: 'loading', memberNo })
    try {
      const res = await consoleApi.member360(memberNo)
      if (mine !== detailSeq.current) return
      if (res.ok) setDetail({ status: 'ready', view: res.data })
      else if (isDenied(res.code)) setDenied(true)
      else if (!quiet) setDetail({ status: 'error', memberNo, message: failText(res) })
    } catch (err) {
      if (mine === detailSeq.current && !quiet) setDetail({ status: 'error', memberNo, message: errorOf(err) })
    }
  }, [])

  useLoad(params => {
    const no = params?.memberNo ? decodeURIComponent(String(params.memberNo)) : ''
    if (/^\d{10}$/.test(no)) void open(no)
  })

  if (denied) return <ConsoleDenied />

  const selected = detail.status === 'ready' ? detail.view.member.memberNo : detail.status === 'none' ? null : detail.memberNo
  return (
    <View className='console-page'>
      <View className='console-header'>
        <Text className='console-title'>会员</Text>
        <Button id='console-home-entry' className='console-nav-button' size='mini' onClick={() => void Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/console/home/index' }))}>
          概览
        </Button>
      </View>
      <View className='console-split'>
        <View className='console-left'>
          <View className='search-bar'>
            <Input
              id='member-search-input'
              className='search-input'
              value={query}
              maxlength={40}
              placeholder='手机号 / 会员号 / 昵称'
              confirmType='search'
              onInput={e => setQuery(e.detail.value)}
              onConfirm={() => void search(query)}
            />
            <Button id='member-search-submit' className='search-button btn-primary' size='mini' onClick={() => void search(query)}>
              搜索
            </Button>
          </View>
          {results.status === 'loading' ? (
            <View id='member-search-loading' className='state muted'>
              搜索中…
            </View>
          ) : null}
          {results.status === 'error' ? (
            <Text id='member-search-error' className='error-text'>
              {results.message}
            </Text>
          ) : null}
          {results.status === 'ready' && results.members.length === 0 ? (
            <View id='member-search-empty' className='console-empty muted'>
              没有找到「{results.query}」对应的会员
            </View>
          ) : null}
          {results.status === 'ready' && results.members.length > 0 ? (
            <View id='member-results'>
              {results.members.map(m => (
                <View key={m.memberNo} id={`member-row-${m.memberNo}`} className={`member-row ${selected === m.memberNo ? 'member-row-on' : ''}`} onClick={() => void open(m.memberNo)}>
                  <View className='member-row-top'>
                    <Text className='member-row-name'>{m.nickname || '未设置昵称'}</Text>
                    <Text className='muted'>{m.tierName}</Text>
                  </View>
                  <Text className='member-row-sub'>
                    {m.memberNo} · {m.maskedPhone ?? '未绑定手机'} · {stageText(m.stage)} · {m.points} 积分
                    {m.lastPurchaseAt ? ` · 最近消费 ${shanghaiDateText(m.lastPurchaseAt)}` : ''}
                  </Text>
                </View>
              ))}
            </View>
          ) : null}
          {results.status === 'idle' && detail.status === 'none' ? (
            <View id='member-search-hint' className='console-empty muted'>
              输入 11 位手机号、10 位会员号或昵称开头查找会员
            </View>
          ) : null}
        </View>
        <View className='console-right'>
          {detail.status === 'loading' ? (
            <View id='m360-loading' className='state muted'>
              加载中…
            </View>
          ) : null}
          {detail.status === 'error' ? (
            <View id='m360-error' className='card state'>
              <Text className='error-text'>{detail.message}</Text>
              <Button id='m360-retry' className='btn-primary' onClick={() => void open(detail.memberNo)}>
                重试
              </Button>
            </View>
          ) : null}
          {detail.status === 'ready' ? <Member360View key={detail.view.member.memberNo} view={detail.view} onChanged={() => void open(detail.view.member.memberNo, true)} /> : null}
        </View>
      </View>
    </View>
  )
}
