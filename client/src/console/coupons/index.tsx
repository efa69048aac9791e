import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { CouponTemplateRow, CouponTemplateView } from '../../../../types/coupons'
import { couponsApi } from '../../services/console-coupons'
import { failText } from '../../services/errors'
import { usePageLoad } from '../../utils/use-page-load'
import { PageLoading } from '../../components/page-state'
import ConsoleDenied from '../components/denied'
import ConsoleHeader from '../components/header'
import { errorOf } from '../member/form-utils'
import StockForm from './stock-form'
import TemplateForm from './template-form'
import TemplateList from './template-list'
import '../console.css'
import './coupons.css'

type Ready = { status: 'ready'; templates: CouponTemplateRow[] }
/** the form: a new template, or the one being edited */
type Editing = { kind: 'new' } | { kind: 'edit'; template: CouponTemplateRow } | null

const DENIED = new Set(['PERMISSION_DENIED', 'UNAUTHENTICATED'])

/** A saved template into the list, keeping the used count the listing had (the save does not count it). */
function merged(list: CouponTemplateRow[], saved: CouponTemplateView): CouponTemplateRow[] {
  const before = list.find(t => t.templateId === saved.templateId)
  const row = { ...saved, used: before?.used ?? 0 }
  return before ? list.map(t => (t.templateId === saved.templateId ? row : t)) : [...list, row].sort((a, b) => (a.templateId < b.templateId ? -1 : 1))
}

/**
 * 券: every coupon template (active and paused) with stock left / total, issued and used; 新建 and
 * 编辑 (upsertCouponTemplate, field errors by field), 暂停 / 恢复 (setCouponTemplateStatus) and
 * 改库存. Brand admins only: the function refuses anyone else, who then sees 无管理权限.
 */
export default function ConsoleCouponsPage() {
  const [denied, setDenied] = useState(false)
  const [editing, setEditing] = useState<Editing>(null)
  const [stockFor, setStockFor] = useState<string | null>(null)
  const [busy, setBusy] = useState<Record<string, boolean>>({})
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({})
  const { load, setLoad, refresh, seq } = usePageLoad(
    async () => {
      const res = await couponsApi.list()
      if (!res.ok && DENIED.has(res.code)) setDenied(true)
      return res
    },
    (data): Ready => ({ status: 'ready', templates: data.templates }),
  )

  useDidShow(() => void refresh(false))

  /** A write's own answer into the list (bumping seq so an older refresh cannot overwrite it), then a quiet refresh for the counts. */
  const saved = (t: CouponTemplateView) => {
    seq.current++
    setLoad(l => (l.status === 'ready' ? { ...l, templates: merged(l.templates, t) } : l))
    void refresh(true)
  }

  const toggleStatus = async (t: CouponTemplateRow) => {
    if (busy[t.templateId]) return
    setBusy(b => ({ ...b, [t.templateId]: true }))
    setRowErrors(e => ({ ...e, [t.templateId]: '' }))
    try {
      const res = await couponsApi.setStatus(t.templateId, t.status === 'active' ? 'paused' : 'active')
      if (res.ok) {
        saved(res.data.template)
        void Taro.showToast({ title: res.data.template.status === 'paused' ? '已暂停' : '已恢复', icon: 'success' })
      } else if (DENIED.has(res.code)) setDenied(true)
      else setRowErrors(e => ({ ...e, [t.templateId]: failText(res) }))
    } catch (err) {
      setRowErrors(e => ({ ...e, [t.templateId]: errorOf(err) }))
    } finally {
      setBusy(b => ({ ...b, [t.templateId]: false }))
    }
  }

  if (denied) return <ConsoleDenied />
  if (load.status === 'loading') return <PageLoading id='coupons-loading' />

  const templates = load.status === 'ready' ? load.templates : []
  const stockTemplate = templates.find(t => t.templateId === stockFor) ?? null
  return (
    <View className='console-page'>
      <ConsoleHeader title='券'>
        {load.status === 'ready' ? (
          <Text id='coupons-count' className='console-scope'>
            {templates.length} 个模板
          </Text>
        ) : null}
      </ConsoleHeader>

      {editing ? (
        <TemplateForm
          key={editing.kind === 'edit' ? editing.template.templateId : 'new'}
          editing={editing.kind === 'edit' ? editing.template : null}
          onSaved={(t, created) => {
            saved(t)
            setEditing(null)
            void Taro.showToast({ title: created ? '已创建' : '已保存', icon: 'success' })
          }}
          onCancel={() => setEditing(null)}
          onDenied={() => setDenied(true)}
        />
      ) : (
        <View className='m360-actions'>
          <Button id='coupons-new' className='m360-action btn-primary' size='mini' onClick={() => setEditing({ kind: 'new' })}>
            新建券模板
          </Button>
        </View>
      )}

      {/* the form replaces the list while open: on a phone it is then in view wherever 编辑 was tapped */}
      {editing ? null : load.status === 'error' ? (
        <View id='coupons-error' className='card state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='coupons-retry' className='btn-primary' onClick={() => void refresh(false)}>
            重试
          </Button>
        </View>
      ) : templates.length === 0 ? (
        <View id='coupons-empty' className='console-empty muted'>
          还没有券模板，点「新建券模板」创建第一个
        </View>
      ) : (
        <TemplateList
          templates={templates}
          busy={busy}
          errors={rowErrors}
          stockFor={stockFor}
          stockForm={
            stockTemplate ? (
              <StockForm
                key={stockTemplate.templateId}
                template={stockTemplate}
                onSaved={t => {
                  saved(t)
                  setStockFor(null)
                  void Taro.showToast({ title: '库存已更新', icon: 'success' })
                }}
                onCancel={() => setStockFor(null)}
                onDenied={() => setDenied(true)}
              />
            ) : null
          }
          onEdit={t => {
            setStockFor(null)
            setEditing({ kind: 'edit', template: t })
          }}
          onToggleStatus={t => void toggleStatus(t)}
          onStock={t => setStockFor(stockFor === t.templateId ? null : t.templateId)}
        />
      )}
    </View>
  )
}
