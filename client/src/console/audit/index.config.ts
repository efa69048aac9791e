export default definePageConfig({
  navigationBarTitleText: '管理 · 审计',
})
