/**
 * Paths of CloudBase's HTTP access service (HTTP 访问服务) and the function each reaches. A path
 * matches itself and everything below it (`/api/orders` also serves `/api/orders/refund`), as on
 * CloudBase. The emulator serves these; on CloudBase create each once (README: "Orders API"):
 * `tcb service create -p /api/orders -f orders`.
 */
export const HTTP_ROUTES: ReadonlyArray<{ path: string; function: string }> = [
  { path: '/api/orders', function: 'orders' },
  // WeCom's callback (企业微信 API 接收事件), docs/wecom.md: `tcb service create -p /wecom/callback -f wecom`
  { path: '/wecom/callback', function: 'wecom' },
]

export function routeFor(pathname: string): { path: string; function: string } | null {
  return HTTP_ROUTES.find(r => pathname === r.path || pathname.startsWith(`${r.path}/`)) ?? null
}
