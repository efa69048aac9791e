export default definePageConfig({
  navigationBarTitleText: '管理 · 门店与店员',
})
