export default definePageConfig({
  navigationBarTitleText: '管理 · 概览',
})
