// What the whole console shares: /api/status (site settings) and the logged-in user.
import { get } from './api.js';
import { signal } from './dom.js';

export const ROLE_COMMON = 1;
export const ROLE_ADMIN = 10;
export const ROLE_ROOT = 100;

/** data of GET /api/status, with safe defaults until it loads. */
export const status = signal({ quota_per_unit: 500000, display_in_currency: true, system_name: 'OneGate' });
/** The logged-in user ({id, username, display_name, role, ...}) or null. */
export const user = signal(JSON.parse(localStorage.getItem('onegate.user') || 'null'));

export function setUser(u) {
  if (u) localStorage.setItem('onegate.user', JSON.stringify(u)); else localStorage.removeItem('onegate.user');
  user.set(u);
}

export async function loadStatus() {
  const r = await get('/api/status');
  if (r.success && r.data) {
    status.set({ ...status.get(), ...r.data });
    if (r.data.system_name) document.title = r.data.system_name;
  }
  return status.get();
}

/** Re-reads the user from GET /api/user/self; null when not logged in. */
export async function loadSelf() {
  const r = await get('/api/user/self');
  setUser(r.success && r.data ? r.data : null);
  return user.get();
}

export const roleOf = () => (user.get() ? user.get().role || 0 : 0);
export const isAdmin = () => roleOf() >= ROLE_ADMIN;
export const isRoot = () => roleOf() >= ROLE_ROOT;
