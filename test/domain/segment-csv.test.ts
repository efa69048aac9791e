import { csvCell, segmentCsv, shanghaiMinute } from '../../domain/segment-csv'

test('cells: quoted when they hold a comma, quote or line break; formulas kept as text', () => {
  expect(csvCell('小明')).toBe('小明')
  expect(csvCell(1280)).toBe('1280')
  expect(csvCell(-5)).toBe('-5')
  expect(csvCell('a,b')).toBe('"a,b"')
  expect(csvCell('say "hi"')).toBe('"say ""hi"""')
  expect(csvCell('two\nlines')).toBe('"two\nlines"')
  for (const text of ['=1+2', '+86', '-2', '@SUM(A1)', '\tx']) expect(csvCell(text)).toBe(`'${text}`)
  expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`)
})

test('the file: BOM, header, CRLF lines; phones masked unless asked; Shanghai time', () => {
  const member = {
    memberNo: '1000000001',
    nickname: '小爱',
    phone: '13812345678',
    tierName: '金卡会员',
    stage: 'sleeping',
    points: 120,
    tags: ['大客户', '咖啡偏好'],
    lastPurchaseAt: new Date('2026-03-09T16:30:00Z'),
  }
  const none = { ...member, memberNo: '1000000002', phone: null, stage: null, tags: [], lastPurchaseAt: null }
  expect(shanghaiMinute(member.lastPurchaseAt)).toBe('2026-03-10 00:30')
  expect(segmentCsv([member, none], false)).toBe(
    '\uFEFF会员号,昵称,手机号,等级,阶段,积分,标签,最近消费\r\n1000000001,小爱,138****5678,金卡会员,沉睡,120,大客户、咖啡偏好,2026-03-10 00:30\r\n1000000002,小爱,,金卡会员,,120,,\r\n',
  )
  expect(segmentCsv([member], true).split('\r\n')[1].split(',')[2]).toBe('13812345678')
  expect(segmentCsv([], false)).toBe('\uFEFF会员号,昵称,手机号,等级,阶段,积分,标签,最近消费\r\n')
})
