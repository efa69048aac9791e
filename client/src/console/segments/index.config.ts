export default definePageConfig({
  navigationBarTitleText: '管理 · 人群',
})
