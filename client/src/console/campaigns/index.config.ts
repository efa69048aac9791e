export default definePageConfig({
  navigationBarTitleText: '管理 · 活动',
})
