import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { AuditRow } from '../../../../types/console'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { consoleApi, type AuditFilter } from '../../services/console'
import { failText } from '../../services/errors'
import { shanghaiDateTimeText } from '../../utils/format'
import ConsoleDenied from '../components/denied'
import { auditActionText, auditChangeText } from '../format'
import '../console.css'

export const AUDIT_PAGE_SIZE = 20

type Filters = { actor: string; auditAction: string; target: string }
type State =
  { status: 'loading' } | { status: 'denied' } | { status: 'error'; message: string } | { status: 'ready'; rows: AuditRow[]; next: string | null; more: 'idle' | 'loading' | { error: string } }

const EMPTY: Filters = { actor: '', auditAction: '', target: '' }
const FIELDS: ReadonlyArray<{ key: keyof Filters; label: string; placeholder: string }> = [
  { key: 'actor', label: '操作人', placeholder: 'OPENID 或 console' },
  { key: 'auditAction', label: '操作', placeholder: '如 adjustPoints' },
  { key: 'target', label: '对象', placeholder: 'OPENID、会员号或编号' },
]
const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')
const trimmed = (f: Filters): AuditFilter => ({ actor: f.actor.trim() || undefined, auditAction: f.auditAction.trim() || undefined, target: f.target.trim() || undefined })

/**
 * 审计: the audit log, newest first, filtered by 操作人, 操作 and 对象 (exact); 加载更多 pages with
 * the answer's `next`. A store manager sees their store's rows only (the function filters).
 * A table in a desktop window, cards on a phone.
 */
export default function ConsoleAuditPage() {
  const [filters, setFilters] = useState<Filters>(EMPTY)
  const [applied, setApplied] = useState<AuditFilter>({})
  const [state, setState] = useState<State>({ status: 'loading' })
  const seq = useRef(0)

  const load = useCallback(async (filter: AuditFilter) => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    const mine = ++seq.current
    setState({ status: 'loading' })
    try {
      const res = await consoleApi.auditLog(filter, AUDIT_PAGE_SIZE)
      if (mine !== seq.current) return
      if (res.ok) setState({ status: 'ready', rows: res.data.rows, next: res.data.next, more: 'idle' })
      else if (res.code === 'PERMISSION_DENIED' || res.code === 'UNAUTHENTICATED') setState({ status: 'denied' })
      else setState({ status: 'error', message: failText(res) })
    } catch (err) {
      if (mine === seq.current) setState({ status: 'error', message: errorOf(err) })
    }
  }, [])

  useEffect(() => {
    void load(applied)
  }, [load, applied])

  const loadMore = async () => {
    if (state.status !== 'ready' || !state.next || state.more === 'loading') return
    const mine = seq.current
    const before = state.next
    setState({ ...state, more: 'loading' })
    try {
      const res = await consoleApi.auditLog({ ...applied, before }, AUDIT_PAGE_SIZE)
      if (mine !== seq.current) return
      setState(s => {
        if (s.status !== 'ready') return s
        return res.ok ? { status: 'ready', rows: [...s.rows, ...res.data.rows], next: res.data.next, more: 'idle' } : { ...s, more: { error: failText(res) } }
      })
    } catch (err) {
      if (mine === seq.current) setState(s => (s.status === 'ready' ? { ...s, more: { error: errorOf(err) } } : s))
    }
  }

  if (state.status === 'denied') return <ConsoleDenied />

  return (
    <View className='console-page'>
      <View className='console-header'>
        <Text className='console-title'>审计</Text>
        <Button id='console-home-entry' className='console-nav-button' size='mini' onClick={() => void Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/console/home/index' }))}>
          概览
        </Button>
      </View>

      <View id='audit-filters' className='card audit-filters'>
        {FIELDS.map(f => (
          <View key={f.key} className='m360-field audit-filter'>
            <Text className='m360-field-label'>{f.label}</Text>
            <Input
              id={`audit-filter-${f.key}`}
              className='m360-field-input'
              value={filters[f.key]}
              maxlength={f.key === 'target' ? 128 : 64}
              placeholder={f.placeholder}
              confirmType='search'
              onInput={e => setFilters(prev => ({ ...prev, [f.key]: e.detail.value }))}
              onConfirm={() => setApplied(trimmed(filters))}
            />
          </View>
        ))}
        <View className='m360-actions'>
          <Button id='audit-search' className='m360-action btn-primary' size='mini' onClick={() => setApplied(trimmed(filters))}>
            筛选
          </Button>
          <Button
            id='audit-reset'
            className='m360-action'
            size='mini'
            onClick={() => {
              setFilters(EMPTY)
              setApplied({})
            }}
          >
            清空
          </Button>
        </View>
      </View>

      {state.status === 'loading' ? (
        <View id='audit-loading' className='state muted'>
          加载中…
        </View>
      ) : null}
      {state.status === 'error' ? (
        <View id='audit-error' className='card state'>
          <Text className='error-text'>{state.message}</Text>
          <Button id='audit-retry' className='btn-primary' onClick={() => void load(applied)}>
            重试
          </Button>
        </View>
      ) : null}
      {state.status === 'ready' && state.rows.length === 0 ? (
        <View id='audit-empty' className='console-empty muted'>
          没有符合条件的审计记录
        </View>
      ) : null}
      {state.status === 'ready' && state.rows.length > 0 ? (
        <View id='audit-table' className='audit-table'>
          <View className='audit-row audit-head'>
            <Text className='audit-cell audit-at'>时间</Text>
            <Text className='audit-cell audit-actor'>操作人</Text>
            <Text className='audit-cell audit-action'>操作</Text>
            <Text className='audit-cell audit-target'>对象</Text>
            <Text className='audit-cell audit-change'>变更</Text>
          </View>
          {state.rows.map(r => (
            <View key={r.id} id={`audit-row-${r.id}`} className='audit-row'>
              <Text className='audit-cell audit-at'>{shanghaiDateTimeText(r.at)}</Text>
              <Text className='audit-cell audit-actor'>{r.actor}</Text>
              <Text className='audit-cell audit-action'>{auditActionText(r.action)}</Text>
              <Text className='audit-cell audit-target'>
                {r.target}
                {r.storeId ? ` · ${r.storeId}` : ''}
              </Text>
              <Text className='audit-cell audit-change'>{auditChangeText(r)}</Text>
            </View>
          ))}
        </View>
      ) : null}
      {state.status === 'ready' && typeof state.more === 'object' ? (
        <Text id='audit-more-error' className='error-text'>
          {state.more.error}
        </Text>
      ) : null}
      {state.status === 'ready' && state.next ? (
        <Button id='audit-more' className='audit-more' disabled={state.more === 'loading' || undefined} onClick={() => void loadMore()}>
          {state.more === 'loading' ? '加载中…' : '加载更多'}
        </Button>
      ) : null}
      {state.status === 'ready' && !state.next && state.rows.length > 0 ? (
        <View id='audit-end' className='console-empty muted'>
          没有更早的记录了
        </View>
      ) : null}
    </View>
  )
}
