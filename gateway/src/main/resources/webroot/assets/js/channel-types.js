// One API's channel types (id → name) and the type-specific fields the editor shows.

/** [id, name] in the order the editor lists them. */
export const CHANNEL_TYPES = [
  [1, 'OpenAI'], [50, 'OpenAI-compatible'], [3, 'Azure OpenAI'], [14, 'Anthropic Claude'], [33, 'AWS Bedrock'],
  [24, 'Google Gemini'], [51, 'Gemini (OpenAI format)'], [42, 'Vertex AI'], [11, 'Google PaLM2'],
  [15, 'Baidu ERNIE (v1)'], [47, 'Baidu Qianfan v2'], [17, 'Ali Qwen (DashScope)'], [49, 'Ali Bailian'],
  [16, 'Zhipu ChatGLM'], [18, 'Xunfei Spark'], [48, 'Xunfei Spark v2'], [23, 'Tencent Hunyuan'], [25, 'Moonshot'],
  [26, 'Baichuan'], [27, 'MiniMax'], [28, 'Mistral'], [29, 'Groq'], [30, 'Ollama'], [31, '01.AI'], [32, 'StepFun'],
  [34, 'Coze'], [35, 'Cohere'], [36, 'DeepSeek'], [37, 'Cloudflare Workers AI'], [38, 'DeepL'], [39, 'together.ai'],
  [40, 'Doubao (Volcengine)'], [41, 'Novita'], [44, 'SiliconFlow'], [45, 'xAI'], [46, 'Replicate'], [19, '360'],
  [20, 'OpenRouter'], [21, 'AIProxy Library'], [22, 'FastGPT'], [43, 'Proxy'], [8, 'Custom'], [2, 'API2D'],
  [4, 'CloseAI'], [5, 'OpenAI-SB'], [6, 'OpenAIMax'], [7, 'OhMyGPT'], [9, 'Ails'], [10, 'AIProxy'],
  [12, 'API2GPT'], [13, 'AIGC2D'],
];

const NAMES = new Map(CHANNEL_TYPES);
export const typeName = (id) => NAMES.get(Number(id)) || ('#' + id);

/** Types whose base URL is required (no provider default). */
export const BASE_URL_REQUIRED = new Set([3, 8, 50, 43]);

/** Key format hints per type: [en, zh]. */
export const KEY_HINTS = {
  3: ['Azure API key', 'Azure API 密钥'],
  15: ['APIKey|SecretKey (AK|SK)', 'APIKey|SecretKey（AK|SK）'],
  16: ['id.secret (the Zhipu API key)', 'id.secret（智谱 API Key）'],
  18: ['APPID|APISecret|APIKey', 'APPID|APISecret|APIKey'],
  22: ['APIKey-AppId', 'APIKey-AppId'],
  23: ['AppId|SecretId|SecretKey', 'AppId|SecretId|SecretKey'],
  33: ['AccessKey|SecretKey|Region', 'AccessKey|SecretKey|Region'],
  30: ['any value (Ollama needs no key)', '任意值（Ollama 不需要密钥）'],
  37: ['Cloudflare API token', 'Cloudflare API Token'],
  42: ['service account JSON goes in the field below; key may be empty', '服务账号 JSON 填在下方；密钥可留空'],
};

/** Base URL placeholders per type. */
export const BASE_URL_HINTS = {
  3: 'https://<resource>.openai.azure.com',
  8: 'https://your-proxy.example.com',
  50: 'https://api.example.com/v1',
  30: 'http://localhost:11434',
  43: 'https://upstream.example.com',
  1: 'https://api.openai.com',
};

/**
 * Extra config fields per type: [config key, i18n label key, default]. They go into the channel's `config`
 * JSON (One API's ChannelConfig); Azure's api_version is also sent as `other` for older readers.
 */
export const CONFIG_FIELDS = {
  3: [['api_version', 'ch.apiVersion', '2024-03-01-preview']],
  18: [['api_version', 'ch.apiVersion', 'v1.1']],
  24: [['api_version', 'ch.apiVersion', '']],
  17: [['plugin', 'ch.plugin', '']],
  21: [['library_id', 'ch.libraryId', '']],
  33: [['region', 'ch.region', 'us-east-1'], ['ak', 'ch.ak', ''], ['sk', 'ch.sk', '']],
  34: [['user_id', 'ch.userId', '']],
  37: [['user_id', 'ch.userId', '']],
  42: [['region', 'ch.region', 'us-central1'], ['vertex_ai_project_id', 'ch.vertexProject', ''], ['vertex_ai_adc', 'ch.vertexAdc', '']],
};
