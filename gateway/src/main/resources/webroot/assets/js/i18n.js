// English and Chinese texts. The language follows navigator.language until the user picks one (remembered).
import { signal } from './dom.js';

const en = {
  'app.name': 'OneGate',
  'nav.dashboard': 'Dashboard', 'nav.channels': 'Channels', 'nav.tokens': 'Tokens', 'nav.logs': 'Logs',
  'nav.users': 'Users', 'nav.redemptions': 'Redemptions', 'nav.settings': 'Settings', 'nav.topup': 'Top up',
  'nav.account': 'Account', 'nav.logout': 'Log out', 'nav.menu': 'Menu', 'nav.lang': '中文',
  'login.title': 'Log in', 'login.username': 'Username or email', 'login.password': 'Password',
  'login.submit': 'Log in', 'login.noAccount': 'No account?', 'login.register': 'Register',
  'login.disabled': 'Password login is disabled.',
  'register.title': 'Register', 'register.username': 'Username', 'register.password': 'Password (8-20 characters)',
  'register.password2': 'Repeat password', 'register.email': 'Email', 'register.code': 'Verification code',
  'register.sendCode': 'Send code', 'register.codeSent': 'Code sent, check your mailbox.',
  'register.aff': 'Invitation code (optional)', 'register.submit': 'Register', 'register.haveAccount': 'Have an account?',
  'register.mismatch': 'The two passwords differ.', 'register.done': 'Registered, please log in.',
  'register.closed': 'Registration is closed.',
  'pw.default': 'You are still using the initial root password. Change it now.',
  'account.title': 'Account', 'account.displayName': 'Display name', 'account.newPassword': 'New password (8-20)',
  'account.save': 'Save', 'account.saved': 'Saved.', 'account.accessToken': 'System access token',
  'account.accessTokenHint': 'For scripts calling /api with an Authorization header. Generating a new one invalidates the old.',
  'account.generate': 'Generate', 'account.role': 'Role', 'account.group': 'Group',
  'common.save': 'Save', 'common.cancel': 'Cancel', 'common.create': 'Create', 'common.edit': 'Edit',
  'common.delete': 'Delete', 'common.enable': 'Enable', 'common.disable': 'Disable', 'common.search': 'Search',
  'common.refresh': 'Refresh', 'common.copy': 'Copy', 'common.copied': 'Copied.', 'common.copyFailed': 'Copy failed: select and copy by hand.',
  'common.prev': 'Previous', 'common.next': 'Next', 'common.page': 'Page {n}', 'common.none': 'Nothing here yet.',
  'common.loading': 'Loading…', 'common.actions': 'Actions', 'common.name': 'Name', 'common.status': 'Status',
  'common.id': 'ID', 'common.created': 'Created', 'common.never': 'Never', 'common.unlimited': 'Unlimited',
  'common.confirmDelete': 'Delete "{name}"?', 'common.done': 'Done.', 'common.back': 'Back', 'common.all': 'All',
  'common.add': 'Add', 'common.yes': 'Yes', 'common.no': 'No', 'common.invalidJson': 'Not valid JSON: {err}',
  'status.enabled': 'Enabled', 'status.disabled': 'Disabled', 'status.autoDisabled': 'Auto-disabled',
  'status.expired': 'Expired', 'status.exhausted': 'Exhausted', 'status.used': 'Used', 'status.deleted': 'Deleted',
  'status.unknown': 'Unknown',
  'role.1': 'User', 'role.10': 'Admin', 'role.100': 'Root', 'role.0': 'Guest',
  'dash.balance': 'Balance', 'dash.used': 'Used', 'dash.requests': 'Requests', 'dash.perDay': 'Usage per day (last 7 days)',
  'dash.perModel': 'Usage per model (last 7 days)', 'dash.noUsage': 'No usage in the last 7 days.',
  'dash.quota': 'Quota', 'dash.tokens': 'Tokens', 'dash.model': 'Model',
  'ch.title': 'Channels', 'ch.add': 'Add channel', 'ch.type': 'Type', 'ch.models': 'Models', 'ch.priority': 'Priority',
  'ch.weight': 'Weight', 'ch.responseTime': 'Response', 'ch.balance': 'Balance', 'ch.usedQuota': 'Used',
  'ch.group': 'Groups', 'ch.test': 'Test', 'ch.testAll': 'Test all', 'ch.updateBalance': 'Balance',
  'ch.deleteDisabled': 'Delete disabled', 'ch.tested': '{name}: OK in {time}s', 'ch.balanceUpdated': 'Balance: {balance}',
  'ch.editTitle': 'Edit channel #{id}', 'ch.addTitle': 'Add channel', 'ch.key': 'Key', 'ch.keys': 'Keys (one per line: one channel each)',
  'ch.keyKeep': 'Leave empty to keep the current key', 'ch.baseUrl': 'Base URL', 'ch.baseUrlOptional': 'Base URL (optional: empty means the provider default)',
  'ch.fillModels': 'Fill in base models', 'ch.clearModels': 'Clear', 'ch.customModel': 'Add a model name',
  'ch.mapping': 'Model mapping (JSON: requested name → upstream name)', 'ch.mappingBad': 'Model mapping must be a JSON object of strings to strings.',
  'ch.systemPrompt': 'System prompt (optional, forced)', 'ch.apiVersion': 'API version', 'ch.region': 'Region',
  'ch.ak': 'Access key', 'ch.sk': 'Secret key', 'ch.userId': 'User / account id', 'ch.libraryId': 'Knowledge base id',
  'ch.plugin': 'Plugin', 'ch.vertexProject': 'Project id', 'ch.vertexAdc': 'Service account JSON', 'ch.noModels': 'Pick at least one model.',
  'ch.modelsCount': '{n} models', 'ch.searchPh': 'id or name', 'ch.created': 'Created {n} channel(s).',
  'tok.title': 'Tokens', 'tok.add': 'Create token', 'tok.key': 'Key', 'tok.remain': 'Remaining', 'tok.used': 'Used',
  'tok.expires': 'Expires', 'tok.models': 'Allowed models (comma separated, empty = all)', 'tok.subnet': 'Allowed subnets (CIDR, comma separated, empty = any)',
  'tok.unlimited': 'Unlimited quota', 'tok.quota': 'Quota (units)', 'tok.expiry': 'Expiry (empty = never)',
  'tok.snippet': 'Ready to paste', 'tok.snippetHint': 'Use these in any OpenAI-compatible client (FastGPT, SDKs, scripts):',
  'tok.editTitle': 'Edit token #{id}', 'tok.addTitle': 'Create token', 'tok.created': 'Token created.', 'tok.show': 'Show',
  'tok.hide': 'Hide', 'tok.searchPh': 'name',
  'log.title': 'Logs', 'log.time': 'Time', 'log.type': 'Type', 'log.user': 'User', 'log.token': 'Token',
  'log.model': 'Model', 'log.channel': 'Channel', 'log.prompt': 'Prompt', 'log.completion': 'Completion',
  'log.quota': 'Quota', 'log.elapsed': 'Time (ms)', 'log.content': 'Details', 'log.start': 'From', 'log.end': 'To',
  'log.total': 'Total quota of matching consume logs: {q}', 'log.filter': 'Filter', 'log.stream': 'stream',
  'log.type.0': 'All', 'log.type.1': 'Top-up', 'log.type.2': 'Consume', 'log.type.3': 'Manage', 'log.type.4': 'System', 'log.type.5': 'Test',
  'user.title': 'Users', 'user.add': 'Add user', 'user.username': 'Username', 'user.displayName': 'Display name',
  'user.password': 'Password', 'user.passwordKeep': 'New password (empty keeps it)', 'user.quota': 'Quota (units)',
  'user.group': 'Group', 'user.role': 'Role', 'user.used': 'Used', 'user.requests': 'Requests', 'user.promote': 'Promote',
  'user.demote': 'Demote', 'user.editTitle': 'Edit user #{id}', 'user.addTitle': 'Add user', 'user.searchPh': 'id, username, email',
  'red.title': 'Redemption codes', 'red.add': 'Create codes', 'red.quota': 'Quota (units)', 'red.count': 'How many (1-100)',
  'red.key': 'Code', 'red.redeemed': 'Redeemed', 'red.keys': 'New codes', 'red.searchPh': 'id or name',
  'set.title': 'Settings', 'set.general': 'General', 'set.quota': 'Quota and billing', 'set.ratios': 'Ratios',
  'set.channels': 'Channel automation', 'set.login': 'Login and registration', 'set.smtp': 'Email (SMTP)',
  'set.webhook': 'Webhook notifications', 'set.saveSection': 'Save section', 'set.saved': 'Settings saved.',
  'set.jsonObject': 'Must be a JSON object of names to non-negative numbers.', 'set.secretHint': 'Write-only: empty keeps the stored value.',
  'set.number': 'Must be a non-negative number.',
  'topup.title': 'Top up', 'topup.balance': 'Current balance', 'topup.code': 'Redemption code', 'topup.redeem': 'Redeem',
  'topup.done': 'Added {q} to your balance.', 'topup.buy': 'Buy a code',
  'err.forbidden': 'This page needs a higher role.', 'err.notFound': 'Page not found.',
};

const zh = {
  'app.name': 'OneGate',
  'nav.dashboard': '仪表盘', 'nav.channels': '渠道', 'nav.tokens': '令牌', 'nav.logs': '日志',
  'nav.users': '用户', 'nav.redemptions': '兑换码', 'nav.settings': '设置', 'nav.topup': '充值',
  'nav.account': '个人设置', 'nav.logout': '退出', 'nav.menu': '菜单', 'nav.lang': 'English',
  'login.title': '登录', 'login.username': '用户名或邮箱', 'login.password': '密码', 'login.submit': '登录',
  'login.noAccount': '没有账户？', 'login.register': '注册', 'login.disabled': '管理员已关闭密码登录。',
  'register.title': '注册', 'register.username': '用户名', 'register.password': '密码（8-20 位）',
  'register.password2': '确认密码', 'register.email': '邮箱', 'register.code': '验证码', 'register.sendCode': '获取验证码',
  'register.codeSent': '验证码已发送，请查收邮件。', 'register.aff': '邀请码（可选）', 'register.submit': '注册',
  'register.haveAccount': '已有账户？', 'register.mismatch': '两次输入的密码不一致。', 'register.done': '注册成功，请登录。',
  'register.closed': '管理员已关闭注册。',
  'pw.default': '你仍在使用 root 的初始密码，请立即修改。',
  'account.title': '个人设置', 'account.displayName': '显示名称', 'account.newPassword': '新密码（8-20 位）',
  'account.save': '保存', 'account.saved': '已保存。', 'account.accessToken': '系统访问令牌',
  'account.accessTokenHint': '供脚本以 Authorization 头调用 /api。重新生成后旧令牌失效。', 'account.generate': '生成',
  'account.role': '角色', 'account.group': '分组',
  'common.save': '保存', 'common.cancel': '取消', 'common.create': '创建', 'common.edit': '编辑', 'common.delete': '删除',
  'common.enable': '启用', 'common.disable': '禁用', 'common.search': '搜索', 'common.refresh': '刷新', 'common.copy': '复制',
  'common.copied': '已复制。', 'common.copyFailed': '复制失败，请手动选择复制。', 'common.prev': '上一页', 'common.next': '下一页',
  'common.page': '第 {n} 页', 'common.none': '暂无数据。', 'common.loading': '加载中…', 'common.actions': '操作',
  'common.name': '名称', 'common.status': '状态', 'common.id': 'ID', 'common.created': '创建时间', 'common.never': '永不过期',
  'common.unlimited': '无限', 'common.confirmDelete': '确定删除“{name}”？', 'common.done': '完成。', 'common.back': '返回',
  'common.all': '全部', 'common.add': '添加', 'common.yes': '是', 'common.no': '否', 'common.invalidJson': 'JSON 格式错误：{err}',
  'status.enabled': '已启用', 'status.disabled': '已禁用', 'status.autoDisabled': '已被自动禁用', 'status.expired': '已过期',
  'status.exhausted': '已耗尽', 'status.used': '已使用', 'status.deleted': '已删除', 'status.unknown': '未知',
  'role.1': '普通用户', 'role.10': '管理员', 'role.100': '超级管理员', 'role.0': '访客',
  'dash.balance': '余额', 'dash.used': '已用', 'dash.requests': '请求次数', 'dash.perDay': '每日用量（最近 7 天）',
  'dash.perModel': '各模型用量（最近 7 天）', 'dash.noUsage': '最近 7 天没有用量。', 'dash.quota': '额度', 'dash.tokens': 'Tokens',
  'dash.model': '模型',
  'ch.title': '渠道', 'ch.add': '添加渠道', 'ch.type': '类型', 'ch.models': '模型', 'ch.priority': '优先级', 'ch.weight': '权重',
  'ch.responseTime': '响应时间', 'ch.balance': '余额', 'ch.usedQuota': '已用额度', 'ch.group': '分组', 'ch.test': '测试',
  'ch.testAll': '测试所有渠道', 'ch.updateBalance': '更新余额', 'ch.deleteDisabled': '删除禁用渠道',
  'ch.tested': '{name} 测试成功，耗时 {time} 秒', 'ch.balanceUpdated': '余额：{balance}', 'ch.editTitle': '编辑渠道 #{id}',
  'ch.addTitle': '添加渠道', 'ch.key': '密钥', 'ch.keys': '密钥（每行一个，每个创建一个渠道）', 'ch.keyKeep': '留空则保持原密钥',
  'ch.baseUrl': '代理地址（Base URL）', 'ch.baseUrlOptional': '代理地址（可选，留空使用官方地址）', 'ch.fillModels': '填入基础模型',
  'ch.clearModels': '清除', 'ch.customModel': '添加模型名称', 'ch.mapping': '模型重定向（JSON：请求模型 → 实际模型）',
  'ch.mappingBad': '模型重定向必须是字符串到字符串的 JSON 对象。', 'ch.systemPrompt': '系统提示词（可选，强制）',
  'ch.apiVersion': 'API 版本', 'ch.region': '区域', 'ch.ak': 'Access Key', 'ch.sk': 'Secret Key', 'ch.userId': '用户 / 账户 ID',
  'ch.libraryId': '知识库 ID', 'ch.plugin': '插件参数', 'ch.vertexProject': '项目 ID', 'ch.vertexAdc': '服务账号 JSON',
  'ch.noModels': '请至少选择一个模型。', 'ch.modelsCount': '{n} 个模型', 'ch.searchPh': 'ID 或名称', 'ch.created': '已创建 {n} 个渠道。',
  'tok.title': '令牌', 'tok.add': '创建令牌', 'tok.key': '密钥', 'tok.remain': '剩余额度', 'tok.used': '已用额度',
  'tok.expires': '过期时间', 'tok.models': '可用模型（逗号分隔，留空表示全部）', 'tok.subnet': 'IP 网段限制（CIDR，逗号分隔，留空不限）',
  'tok.unlimited': '无限额度', 'tok.quota': '额度（单位）', 'tok.expiry': '过期时间（留空永不过期）', 'tok.snippet': '直接粘贴使用',
  'tok.snippetHint': '填入任意兼容 OpenAI 的客户端（FastGPT、SDK、脚本）：', 'tok.editTitle': '编辑令牌 #{id}',
  'tok.addTitle': '创建令牌', 'tok.created': '令牌已创建。', 'tok.show': '显示', 'tok.hide': '隐藏', 'tok.searchPh': '名称',
  'log.title': '日志', 'log.time': '时间', 'log.type': '类型', 'log.user': '用户', 'log.token': '令牌', 'log.model': '模型',
  'log.channel': '渠道', 'log.prompt': '提示', 'log.completion': '补全', 'log.quota': '额度', 'log.elapsed': '用时（毫秒）',
  'log.content': '详情', 'log.start': '起始时间', 'log.end': '结束时间', 'log.total': '符合条件的消费日志总额度：{q}',
  'log.filter': '查询', 'log.stream': '流式',
  'log.type.0': '全部', 'log.type.1': '充值', 'log.type.2': '消费', 'log.type.3': '管理', 'log.type.4': '系统', 'log.type.5': '测试',
  'user.title': '用户', 'user.add': '添加用户', 'user.username': '用户名', 'user.displayName': '显示名称', 'user.password': '密码',
  'user.passwordKeep': '新密码（留空不修改）', 'user.quota': '额度（单位）', 'user.group': '分组', 'user.role': '角色',
  'user.used': '已用', 'user.requests': '请求次数', 'user.promote': '提升', 'user.demote': '降级', 'user.editTitle': '编辑用户 #{id}',
  'user.addTitle': '添加用户', 'user.searchPh': 'ID、用户名、邮箱',
  'red.title': '兑换码', 'red.add': '创建兑换码', 'red.quota': '额度（单位）', 'red.count': '数量（1-100）', 'red.key': '兑换码',
  'red.redeemed': '兑换时间', 'red.keys': '新兑换码', 'red.searchPh': 'ID 或名称',
  'set.title': '系统设置', 'set.general': '通用', 'set.quota': '额度与计费', 'set.ratios': '倍率', 'set.channels': '渠道自动化',
  'set.login': '登录与注册', 'set.smtp': '邮件（SMTP）', 'set.webhook': 'Webhook 通知', 'set.saveSection': '保存本节',
  'set.saved': '设置已保存。', 'set.jsonObject': '必须是名称到非负数字的 JSON 对象。', 'set.secretHint': '只写：留空保持已存的值。',
  'set.number': '必须是非负数字。',
  'topup.title': '充值', 'topup.balance': '当前余额', 'topup.code': '兑换码', 'topup.redeem': '兑换', 'topup.done': '已为你充值 {q}。',
  'topup.buy': '购买兑换码',
  'err.forbidden': '此页面需要更高权限。', 'err.notFound': '页面不存在。',
};

const dicts = { en, zh };
const STORAGE_KEY = 'onegate.lang';

function initial() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && dicts[saved]) return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Current language code ('en' or 'zh'); subscribers re-render on change. */
export const lang = signal(initial());

export function setLang(code) {
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code === 'zh' ? 'zh-CN' : 'en';
  lang.set(code);
}
document.documentElement.lang = lang.get() === 'zh' ? 'zh-CN' : 'en';

/** Text of key in the current language, with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = dicts[lang.get()][key] ?? en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', v);
  return s;
}
