import { Text, View } from '@tarojs/components'
import type { ReportTable } from './tables'

/**
 * One table of a 报表 section: on a phone each row is a card (the first cell as its title, then
 * label: value); in a desktop window (≥ 768 px, reports.css) a plain table with a header row.
 */
export default function ReportTableView({ table }: { table: ReportTable }) {
  return (
    <View id={`reports-table-${table.id}`} className='rt'>
      <View className='rt-row rt-head'>
        {table.head.map((h, i) => (
          <Text key={i} className='rt-cell'>
            {h}
          </Text>
        ))}
      </View>
      {table.rows.map((r, i) => (
        <View key={r.key} id={r.total ? `reports-${table.id}-total` : `reports-${table.id}-row-${i}`} className={`rt-row ${r.total ? 'rt-total' : ''}`}>
          {r.cells.map((c, j) =>
            j === 0 ? (
              <Text key={j} className='rt-cell rt-first'>
                {c}
              </Text>
            ) : (
              <View key={j} className='rt-cell'>
                <Text className='rt-label'>{table.head[j]}</Text>
                <Text className='rt-value'>{c === '' ? '—' : c}</Text>
              </View>
            ),
          )}
        </View>
      ))}
    </View>
  )
}
