// babel-preset-taro: used by the Taro builds (client/). Taro runs with cwd=client, so
// client/config/index.ts sets the loader's rootMode to 'upward' to find this file.
// https://docs.taro.zone/docs/next/babel-config
module.exports = {
  presets: [
    [
      'taro',
      {
        framework: 'react',
        ts: true,
        compiler: 'webpack5',
      },
    ],
  ],
}
