export default definePageConfig({
  navigationBarTitleText: '管理 · 报表',
})
